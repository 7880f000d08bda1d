// main() of exec_bench: Google Benchmark's console output, then a summary with the ratios the
// issue asks for (skynet fast pool / TBB, per-op costs, allocations per intrusive submit).
// With --benchmark_repetitions=N the summary uses the medians. Times are wall-clock: the work
// runs on the pools' threads.
#include <cstdio>
#include <map>
#include <string>
#include <utility>

#include "summary_reporter.hpp"

namespace {

// Issue 5: the fast pool's skynet at or below TBB's time.
constexpr double skynet_ratio_target = 1.0;

class exec_summary final : public spindle::bench::summary_reporter {
  void summarize() const override {
    print_heading("wall");
    const double fast = real_time("bm_skynet_spindle_fast_pool/real_time");
    const double tbb = real_time("bm_skynet_tbb_task_group/real_time");
    std::printf("skynet (1M leaf tasks, fan-out 10):\n");
    if (fast > 0) std::printf("  spindle fast_pool              %8.1f ms\n", fast);
    if (tbb > 0) std::printf("  oneTBB task_group              %8.1f ms\n", tbb);
    if (fast > 0 && tbb > 0) {
      spindle::bench::print_ratio("fast_pool / TBB", fast / tbb, skynet_ratio_target);
    }
    std::printf("submit + run, ns per task (1 external thread / 4 external threads):\n");
    for (const char* name : {"bm_submit_spindle_fast_pool", "bm_submit_spindle_compute_pool",
                             "bm_submit_tbb_task_group", "bm_submit_asio_thread_pool"}) {
      std::printf("  %-32s %8.1f / %8.1f\n", name + 3, ns_per_item(std::string(name) + "/1/real_time"),
                  ns_per_item(std::string(name) + "/4/real_time"));
    }
    for (const char* name : {"bm_submit_spindle_fast_pool", "bm_submit_spindle_compute_pool"}) {
      const double allocs_per_submit = counter(std::string(name) + "/1/real_time", "allocs/submit");
      if (allocs_per_submit >= 0) {
        std::printf("  allocations per intrusive submit (%s): %.4f\n", name + 3, allocs_per_submit);
      }
    }
    print_scaling();
    std::printf("ns per hop:\n");
    for (const char* name : {"bm_pingpong_spindle_fast_pool", "bm_pingpong_asio_thread_pool",
                             "bm_yield_storm_spindle_fast_pool",
                             "bm_yield_storm_asio_thread_pool"}) {
      std::printf("  %-32s %8.1f\n", name + 3, ns_per_item(std::string(name) + "/real_time"));
    }
  }

  // The skynet scaling rows: each worker count both sides ran for, with the speedup over one
  // worker.
  void print_scaling() const {
    const std::string spindle = "bm_skynet_scaling_spindle/workers:";
    const std::string tbb = "bm_skynet_scaling_tbb/workers:";
    std::map<long, std::pair<double, double>> rows;  // workers -> (spindle ms, TBB ms)
    for (const auto& [key, f] : results()) {
      for (const std::string* prefix : {&spindle, &tbb}) {
        if (key.rfind(*prefix, 0) != 0) continue;
        const long workers = std::stol(key.substr(prefix->size()));
        auto& row = rows.try_emplace(workers, -1.0, -1.0).first->second;
        (prefix == &spindle ? row.first : row.second) = f.real_time;
      }
    }
    if (rows.empty()) return;
    const double spindle_one = rows.begin()->second.first;
    const double tbb_one = rows.begin()->second.second;
    std::printf("skynet scaling (ms; speedup over %ld worker):\n", rows.begin()->first);
    std::printf("  workers   spindle fast_pool (speedup)   oneTBB (speedup)   ratio\n");
    for (const auto& [workers, row] : rows) {
      std::printf("  %7ld   %10.1f (%5.2fx)          %8.1f (%5.2fx)   %5.2f\n", workers, row.first,
                  spindle_one / row.first, row.second, tbb_one / row.second,
                  row.first / row.second);
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  exec_summary reporter;
  return spindle::bench::run_with_summary(argc, argv, reporter);
}
