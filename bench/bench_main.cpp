// main() of context_bench: Google Benchmark's console output, then a summary in the units the
// issue asks for (ns/switch, ns and allocations per coroutine) and the spindle/Boost ratios.
// With --benchmark_repetitions=N the summary uses the medians, else the single runs. Times
// are CPU time per iteration, which a shared machine's preemption disturbs less than wall time.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

namespace {

// The spindle switch is expected at or below this fraction of Boost.Context's (issue 3).
constexpr double switch_ratio_target = 0.8;
constexpr double switches_per_round_trip = 2.0;

struct measurement {
  double ns_per_iteration = 0;
  double allocs_per_iteration = -1;  // -1: not counted
};

class summarizing_reporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
      if (run.run_type == Run::RT_Aggregate && !median) continue;
      const std::string& name = run.run_name.function_name;
      if (!median && medians_.count(name) != 0) continue;  // a median beats single runs
      measurement m;
      m.ns_per_iteration = run.GetAdjustedCPUTime();  // benchmarks here report in ns
      if (auto it = run.counters.find("allocs/coroutine"); it != run.counters.end()) {
        m.allocs_per_iteration = it->second.value;
      }
      results_[name] = m;
      if (median) medians_[name] = true;
    }
  }

  void print_summary() const {
    std::printf("\n== summary (CPU time; %s)\n",
                medians_.empty() ? "single runs" : "medians of the repetitions");
    std::printf("context switch (one round trip = %.0f switches):\n", switches_per_round_trip);
    const double machine = per_switch("bm_switch_spindle_machine_context");
    const double execution = per_switch("bm_switch_spindle_execution_context");
    const double fiber = per_switch("bm_switch_boost_fiber");
    const double continuation = per_switch("bm_switch_boost_continuation");
    print_line("spindle machine_context", machine, "ns/switch");
    print_line("spindle execution_context", execution, "ns/switch");
    print_line("boost::context::fiber", fiber, "ns/switch");
    print_line("boost::context::continuation", continuation, "ns/switch");
    if (execution > 0 && fiber > 0 && continuation > 0) {
      const double best_boost = fiber < continuation ? fiber : continuation;
      const double ratio = execution / best_boost;
      std::printf(
          "  ratio spindle execution_context / best Boost.Context: %.2f (target <= %.2f: %s)\n",
          ratio, switch_ratio_target, ratio <= switch_ratio_target ? "met" : "NOT met");
      std::printf("  ratio vs fiber: %.2f, vs continuation: %.2f\n", execution / fiber,
                  execution / continuation);
    }
    std::printf("coroutine create + run + destroy, pooled stack:\n");
    print_cycle("spindle coroutine", "bm_coroutine_spindle_pooled");
    print_cycle("boost fiber", "bm_coroutine_boost_fiber_pooled");
    print_cycle("spindle coroutine, 1 suspend", "bm_coroutine_spindle_pooled_with_suspend");
    print_cycle("boost fiber, 1 suspend", "bm_coroutine_boost_fiber_pooled_with_suspend");
  }

 private:
  double per_switch(const std::string& name) const {
    auto it = results_.find(name);
    return it == results_.end() ? -1 : it->second.ns_per_iteration / switches_per_round_trip;
  }

  static void print_line(const char* label, double value, const char* unit) {
    if (value < 0) return;
    std::printf("  %-32s %8.2f %s\n", label, value, unit);
  }

  void print_cycle(const char* label, const std::string& name) const {
    auto it = results_.find(name);
    if (it == results_.end()) return;
    std::printf("  %-32s %8.1f ns/coroutine, %.3f allocs/coroutine\n", label,
                it->second.ns_per_iteration, it->second.allocs_per_iteration);
  }

  std::map<std::string, measurement> results_;
  std::map<std::string, bool> medians_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  summarizing_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_summary();
  benchmark::Shutdown();
  return 0;
}
