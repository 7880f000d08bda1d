#include "summary_reporter.hpp"

#include <cstdio>

namespace spindle::bench {

double figures::counter(const std::string& name, double missing) const {
  auto it = counters.find(name);
  return it == counters.end() ? missing : it->second;
}

void summary_reporter::ReportRuns(const std::vector<Run>& runs) {
  ConsoleReporter::ReportRuns(runs);
  for (const Run& run : runs) {
    if (run.error_occurred) continue;
    const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
    if (run.run_type == Run::RT_Aggregate && !median) continue;
    const std::string name = run.run_name.str();
    if (!median && from_median_.count(name) != 0) continue;  // a median beats single runs
    figures f;
    f.real_time = run.GetAdjustedRealTime();
    f.cpu_time = run.GetAdjustedCPUTime();
    for (const auto& [counter_name, value] : run.counters) f.counters[counter_name] = value.value;
    results_[name] = f;
    if (median) from_median_.insert(name);
  }
}

const figures* summary_reporter::find(const std::string& name) const {
  auto it = results_.find(name);
  return it == results_.end() ? nullptr : &it->second;
}

double summary_reporter::real_time(const std::string& name) const {
  const figures* f = find(name);
  return f == nullptr ? -1 : f->real_time;
}

double summary_reporter::cpu_time(const std::string& name) const {
  const figures* f = find(name);
  return f == nullptr ? -1 : f->cpu_time;
}

double summary_reporter::counter(const std::string& name, const std::string& counter_name) const {
  const figures* f = find(name);
  return f == nullptr ? -1 : f->counter(counter_name);
}

double summary_reporter::ns_per_item(const std::string& name) const {
  const double per_second = counter(name, "items_per_second");
  return per_second <= 0 ? -1 : 1e9 / per_second;
}

void summary_reporter::print_heading(const char* time_kind, const std::string& detail) const {
  std::printf("\n== summary (%s time; %s%s)\n", time_kind,
              from_median_.empty() ? "single runs" : "medians of the repetitions",
              detail.c_str());
}

const char* verdict(bool met) { return met ? "met" : "NOT met"; }

void print_ratio(const char* label, double ratio, double target) {
  std::printf("  ratio %s: %.2f (target <= %.2f: %s)\n", label, ratio, target,
              verdict(ratio <= target));
}

int run_with_summary(int argc, char** argv, summary_reporter& reporter) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.summarize();
  benchmark::Shutdown();
  return 0;
}

}  // namespace spindle::bench
