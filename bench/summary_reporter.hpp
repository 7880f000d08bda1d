// The summary each benchmark program prints after Google Benchmark's console output, in the
// units and with the ratios its issue asks for. summary_reporter keeps every benchmark's
// figures (with --benchmark_repetitions=N the medians, else the single runs); a program
// derives from it, writes summarize(), and hands it to run_with_summary() from main().
//
//   class switch_summary final : public spindle::bench::summary_reporter {
//     void summarize() const override {
//       print_heading("CPU");
//       print_ratio("spindle / Boost.Context", cpu_time("bm_switch_spindle") /
//                   cpu_time("bm_switch_boost"), 0.8);
//     }
//   };
//   int main(int argc, char** argv) {
//     switch_summary reporter;
//     return spindle::bench::run_with_summary(argc, argv, reporter);
//   }
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

namespace spindle::bench {

// One benchmark's figures: times per iteration in the benchmark's unit, and its counters.
struct figures {
  double real_time = 0;
  double cpu_time = 0;
  std::map<std::string, double> counters;

  // The counter called `name`, or `missing` if the benchmark did not set it.
  double counter(const std::string& name, double missing = -1) const;
};

class summary_reporter : public benchmark::ConsoleReporter {
 public:
  // Prints the runs as ConsoleReporter does and keeps the figures of each one that did not
  // fail, under its run name (the benchmark's name without an aggregate's suffix).
  void ReportRuns(const std::vector<Run>& runs) override;

  // Prints the summary; run_with_summary() calls it once, after the last run.
  virtual void summarize() const = 0;

 protected:
  // The figures kept for `name`, or nullptr if it did not run.
  const figures* find(const std::string& name) const;
  // Every benchmark's figures, by run name.
  const std::map<std::string, figures>& results() const { return results_; }

  // Real or CPU time per iteration of `name`, or -1 if it did not run.
  double real_time(const std::string& name) const;
  double cpu_time(const std::string& name) const;
  // The counter `counter_name` of `name`, or -1 if either is missing.
  double counter(const std::string& name, const std::string& counter_name) const;
  // 1e9 / the items_per_second counter of `name` (ns per item), or -1 if it is missing or 0.
  double ns_per_item(const std::string& name) const;

  // "\n== summary (<time_kind> time; medians of the repetitions<detail>)": the summary's
  // first line, saying which time it reads and whether the figures are medians.
  void print_heading(const char* time_kind, const std::string& detail = "") const;

 private:
  std::map<std::string, figures> results_;
  std::set<std::string> from_median_;  // the names whose figures are a median
};

// "met" or "NOT met": the verdict a summary prints next to a target.
const char* verdict(bool met);

// "  ratio <label>: 0.64 (target <= 0.80: met)": a ratio the issue wants at or below `target`.
void print_ratio(const char* label, double ratio, double target);

// The body of a benchmark program's main(): runs the benchmarks the command line selects,
// reporting to `reporter`, then prints its summary. Returns main()'s exit status.
int run_with_summary(int argc, char** argv, summary_reporter& reporter);

}  // namespace spindle::bench
