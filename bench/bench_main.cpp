// main() of context_bench: Google Benchmark's console output, then a summary in the units the
// issue asks for (ns/switch, ns and allocations per coroutine) and the spindle/Boost ratios.
// With --benchmark_repetitions=N the summary uses the medians, else the single runs. Times
// are CPU time per iteration, which a shared machine's preemption disturbs less than wall time.
#include <cstdio>
#include <string>

#include "summary_reporter.hpp"

namespace {

// The spindle switch is expected at or below this fraction of Boost.Context's (issue 3).
constexpr double switch_ratio_target = 0.8;
constexpr double switches_per_round_trip = 2.0;

class context_summary final : public spindle::bench::summary_reporter {
  void summarize() const override {
    print_heading("CPU");
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
      spindle::bench::print_ratio("spindle execution_context / best Boost.Context",
                                  execution / best_boost, switch_ratio_target);
      std::printf("  ratio vs fiber: %.2f, vs continuation: %.2f\n", execution / fiber,
                  execution / continuation);
    }
    std::printf("coroutine create + run + destroy, pooled stack:\n");
    print_cycle("spindle coroutine", "bm_coroutine_spindle_pooled");
    print_cycle("boost fiber", "bm_coroutine_boost_fiber_pooled");
    print_cycle("spindle coroutine, 1 suspend", "bm_coroutine_spindle_pooled_with_suspend");
    print_cycle("boost fiber, 1 suspend", "bm_coroutine_boost_fiber_pooled_with_suspend");
  }

  // The benchmarks here report in ns.
  double per_switch(const std::string& name) const {
    const spindle::bench::figures* round_trip = find(name);
    return round_trip == nullptr ? -1 : round_trip->cpu_time / switches_per_round_trip;
  }

  static void print_line(const char* label, double value, const char* unit) {
    if (value < 0) return;
    std::printf("  %-32s %8.2f %s\n", label, value, unit);
  }

  void print_cycle(const char* label, const std::string& name) const {
    const spindle::bench::figures* cycle = find(name);
    if (cycle == nullptr) return;
    std::printf("  %-32s %8.1f ns/coroutine, %.3f allocs/coroutine\n", label, cycle->cpu_time,
                cycle->counter("allocs/coroutine"));
  }
};

}  // namespace

int main(int argc, char** argv) {
  context_summary reporter;
  return spindle::bench::run_with_summary(argc, argv, reporter);
}
