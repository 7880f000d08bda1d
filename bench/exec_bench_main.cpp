// main() of exec_bench: Google Benchmark's console output, then a summary with the ratios the
// issue asks for (skynet fast pool / TBB, per-op costs, allocations per intrusive submit).
// With --benchmark_repetitions=N the summary uses the medians. Times are wall-clock: the work
// runs on the pools' threads.
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

namespace {

// Issue 5: the fast pool's skynet at or below TBB's time.
constexpr double skynet_ratio_target = 1.0;

struct measurement {
  double real_time = 0;            // in the benchmark's unit
  double items_per_second = 0;
  double allocs_per_submit = -1;   // -1: not counted
};

class summarizing_reporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
      if (run.run_type == Run::RT_Aggregate && !median) continue;
      const std::string name = run.benchmark_name();
      const std::string key = median ? name.substr(0, name.rfind("_median")) : name;
      if (!median && medians_.count(key) != 0) continue;
      measurement m;
      m.real_time = run.GetAdjustedRealTime();
      if (auto it = run.counters.find("items_per_second"); it != run.counters.end()) {
        m.items_per_second = it->second.value;
      }
      if (auto it = run.counters.find("allocs/submit"); it != run.counters.end()) {
        m.allocs_per_submit = it->second.value;
      }
      results_[key] = m;
      if (median) medians_[key] = true;
    }
  }

  void print_summary() const {
    std::printf("\n== summary (wall time; %s)\n",
                medians_.empty() ? "single runs" : "medians of the repetitions");
    const double fast = time_of("bm_skynet_spindle_fast_pool/real_time");
    const double tbb = time_of("bm_skynet_tbb_task_group/real_time");
    std::printf("skynet (1M leaf tasks, fan-out 10):\n");
    if (fast > 0) std::printf("  spindle fast_pool              %8.1f ms\n", fast);
    if (tbb > 0) std::printf("  oneTBB task_group              %8.1f ms\n", tbb);
    if (fast > 0 && tbb > 0) {
      std::printf("  ratio fast_pool / TBB: %.2f (target <= %.2f: %s)\n", fast / tbb,
                  skynet_ratio_target, fast / tbb <= skynet_ratio_target ? "met" : "NOT met");
    }
    std::printf("submit + run, ns per task (1 external thread / 4 external threads):\n");
    for (const char* name : {"bm_submit_spindle_fast_pool", "bm_submit_spindle_compute_pool",
                             "bm_submit_tbb_task_group", "bm_submit_asio_thread_pool"}) {
      std::printf("  %-32s %8.1f / %8.1f\n", name + 3, ns_per_item(std::string(name) + "/1/real_time"),
                  ns_per_item(std::string(name) + "/4/real_time"));
    }
    for (const char* name : {"bm_submit_spindle_fast_pool", "bm_submit_spindle_compute_pool"}) {
      auto it = results_.find(std::string(name) + "/1/real_time");
      if (it != results_.end() && it->second.allocs_per_submit >= 0) {
        std::printf("  allocations per intrusive submit (%s): %.4f\n", name + 3,
                    it->second.allocs_per_submit);
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

 private:
  // The skynet scaling rows: each worker count both sides ran for, with the speedup over one
  // worker.
  void print_scaling() const {
    const std::string spindle = "bm_skynet_scaling_spindle/workers:";
    const std::string tbb = "bm_skynet_scaling_tbb/workers:";
    std::map<long, std::pair<double, double>> rows;  // workers -> (spindle ms, TBB ms)
    for (const auto& [key, m] : results_) {
      for (const std::string* prefix : {&spindle, &tbb}) {
        if (key.rfind(*prefix, 0) != 0) continue;
        const long workers = std::stol(key.substr(prefix->size()));
        auto& row = rows.try_emplace(workers, -1.0, -1.0).first->second;
        (prefix == &spindle ? row.first : row.second) = m.real_time;
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

  double time_of(const std::string& key) const {
    auto it = results_.find(key);
    return it == results_.end() ? -1 : it->second.real_time;
  }
  double ns_per_item(const std::string& key) const {
    auto it = results_.find(key);
    if (it == results_.end() || it->second.items_per_second <= 0) return -1;
    return 1e9 / it->second.items_per_second;
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
