// main() of fiber_bench: Google Benchmark's console output, then one summary with the figures
// the fibers issue asks for and the ratios against the peers. The Go peer runs as a separate
// program in the same invocation of scripts/bench fiber, which passes its figures in the file
// named by SPINDLE_FIBER_PEER_RESULTS ("name value" lines); without it the Go columns are
// missing. With --benchmark_repetitions=N the summary uses the medians. Times are wall-clock.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "fiber_bench_common.hpp"
#include "summary_reporter.hpp"

using namespace spindle::bench::fiber_bench;
using spindle::bench::print_ratio;

namespace {

// Targets of the fibers issue.
constexpr double skynet_ratio_target = 0.5;     // spindle / Go
constexpr double pingpong_ratio_target = 0.25;  // spindle / Go, unbuffered channels

// The Go peer's figures: "name value" lines (other lines are skipped).
std::map<std::string, double> read_peer_results() {
  std::map<std::string, double> figures;
  const char* path = std::getenv("SPINDLE_FIBER_PEER_RESULTS");
  if (path == nullptr) return figures;
  std::ifstream in(path);
  std::string name;
  std::string value;
  while (in >> name >> value) {
    char* end = nullptr;
    const double v = std::strtod(value.c_str(), &end);
    if (end != value.c_str()) figures[name] = v;
  }
  return figures;
}

class fiber_summary final : public spindle::bench::summary_reporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    summary_reporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      // Out of stacks in any run (fiber_bench.cpp): the mean of failed_spawns, or a single
      // run's count, is then above zero.
      if (auto it = run.counters.find("failed_spawns");
          it != run.counters.end() && it->second.value > 0 &&
          (run.run_type != Run::RT_Aggregate || run.aggregate_name == "mean")) {
        failed_runs_.insert(run.run_name.str());
      }
    }
  }

 private:
  // After the last run: the Boost.Fiber peer's scheduler threads stop, then the summary
  // prints with the Go peer's figures.
  void summarize() const override {
    stop_boost_fiber_peer();
    print_summary(read_peer_results());
  }

  void print_summary(const std::map<std::string, double>& go) const {
    print_heading("wall", "; " + std::to_string(kWorkers) + " workers / threads / GOMAXPROCS");
    if (go.empty()) std::printf("(no Go figures: run through scripts/bench fiber)\n");
    const double spindle_skynet = time_of("bm_skynet_spindle_wait_group/real_time");
    const double boost_skynet = time_of("bm_skynet_boost_fiber/real_time");
    const double go_skynet = peer(go, "go_skynet_ms");
    std::printf("skynet (1M leaf fibers, fan-out 10):\n");
    row_ms("spindle fibers, wait_group + array", spindle_skynet,
           failures("bm_skynet_spindle_wait_group/real_time"));
    const double shared_skynet = time_of("bm_skynet_spindle_shared_stacks/real_time");
    const double chan_skynet = time_of("bm_skynet_spindle_channel/real_time");
    const double chan_shared_skynet =
        time_of("bm_skynet_spindle_channel_shared_stacks/real_time");
    row_ms("spindle, wait_group, shared stack list", shared_skynet,
           failures("bm_skynet_spindle_shared_stacks/real_time"));
    row_ms("spindle fibers, channels (buffered 10)", chan_skynet,
           failures("bm_skynet_spindle_channel/real_time"));
    row_ms("spindle, channels, shared stack list", chan_shared_skynet,
           failures("bm_skynet_spindle_channel_shared_stacks/real_time"));
    row_ms("Go goroutines + channels", go_skynet);
    row_ms("Boost.Fiber work_stealing", boost_skynet);
    if (spindle_skynet > 0 && go_skynet > 0) {
      print_ratio("spindle / Go", spindle_skynet / go_skynet, skynet_ratio_target);
    }
    if (chan_skynet > 0 && go_skynet > 0) {
      print_ratio("spindle channels / Go", chan_skynet / go_skynet, skynet_ratio_target);
    }
    for (const auto& [label, ms] : {std::pair{"wait_group", shared_skynet},
                                    std::pair{"channels", chan_shared_skynet}}) {
      if (ms > 0 && go_skynet > 0) {
        std::printf("  ratio with a shared stack list / Go, %s: %.2f (options::stacks, not "
                    "the default)\n", label, ms / go_skynet);
      }
    }
    std::printf("  peak live fibers (shared stack list): wait_group %.0f, channels %.0f\n",
                counter("bm_skynet_spindle_shared_stacks/real_time", "peak_live_fibers"),
                counter("bm_skynet_spindle_channel_shared_stacks/real_time", "peak_live_fibers"));
    if (spindle_skynet > 0 && boost_skynet > 0) {
      std::printf("  ratio spindle / Boost.Fiber: %.2f\n", spindle_skynet / boost_skynet);
    }

    const double chan_pp = ns_per_item("bm_pingpong_spindle_channel/workers:" +
                                       std::to_string(kWorkers) + "/real_time");
    const double chan_pp_1 = ns_per_item("bm_pingpong_spindle_channel/workers:1/real_time");
    const double go_pp_1 = peer(go, "go_pingpong_1p_ns");
    const double event_pp = ns_per_item("bm_pingpong_spindle_event/real_time");
    const double go_pp = peer(go, "go_pingpong_ns");
    std::printf("ping-pong, ns per round trip:\n");
    row_ns("spindle fibers, unbuffered channels", chan_pp);
    row_ns("spindle fibers, event pair per trip", event_pp);
    row_ns("Go goroutines, unbuffered channels", go_pp);
    row_ns("spindle channels, 1-worker pool", chan_pp_1);
    row_ns("Go channels, GOMAXPROCS=1", go_pp_1);
    if (chan_pp > 0 && go_pp > 0) {
      print_ratio("spindle channels / Go", chan_pp / go_pp, pingpong_ratio_target);
    }
    if (chan_pp_1 > 0 && go_pp_1 > 0) {
      std::printf("  ratio on one core (1 worker / GOMAXPROCS=1): %.2f\n", chan_pp_1 / go_pp_1);
    }

    std::printf("mutex under contention, M lock/increment/unlock per second:\n");
    std::printf("  %-10s %14s %14s %8s %14s\n", "contenders", "fiber::mutex", "std::mutex",
                "ratio", "Go sync.Mutex");
    for (int n : {4, 16, 64}) {
      const std::string arg = "/" + std::to_string(n) + "/real_time";
      const double f = ops_per_second("bm_mutex_spindle_fibers" + arg) / 1e6;
      const double s = ops_per_second("bm_mutex_std_threads" + arg) / 1e6;
      const double g = peer(go, "go_mutex_" + std::to_string(n) + "_mops");
      std::printf("  %-10d %14.2f %14.2f %8.2f %14.2f\n", n, f, s, s > 0 ? f / s : -1.0, g);
    }

    std::printf("memory per parked fiber (RSS growth / fibers, %zu KiB stacks; page tables and "
                "kernel mappings are not in the RSS):\n",
                static_cast<std::size_t>(64));
    struct parked_row {
      const char* label;
      const char* benchmark;
      std::int64_t wanted;
    };
    const parked_row parked_rows[] = {
        {"guarded (default)", "bm_parked_spindle_fibers", kParkedFibers},
        {"guarded (default)", "bm_parked_spindle_fibers", kParkedFibersWithinMapLimit},
        {"slab stacks", "bm_parked_spindle_fibers_slab", kParkedFibers},
        {"slab stacks", "bm_parked_spindle_fibers_slab", kParkedFibersMillion},
    };
    double slab_bytes = -1;
    for (const parked_row& row : parked_rows) {
      const std::string key = std::string(row.benchmark) + "/" + std::to_string(row.wanted) +
                              "/iterations:1/real_time";
      const double parked = counter(key, "fibers_parked");
      const double bytes = counter(key, "rss_bytes/fiber");
      if (row.wanted == kParkedFibers && std::string(row.label) == "slab stacks") {
        slab_bytes = bytes;
      }
      std::printf("  spindle %-17s %7lld wanted: %8.0f parked, %6.0f bytes/fiber, +%4.0f page "
                  "tables, +%5.0f mappings%s\n",
                  row.label, static_cast<long long>(row.wanted), parked, bytes,
                  counter(key, "page_table_bytes/fiber"), counter(key, "mappings_added"),
                  parked >= 0 && parked < static_cast<double>(row.wanted)
                      ? "  (stack allocation failed: vm.max_map_count, two mappings per "
                        "guarded stack; expected near 32,700)"
                      : "");
    }
    const double go_parked = peer(go, "go_parked_rss_bytes");
    std::printf("  Go, %6lld goroutines:            %8.0f bytes/goroutine (runtime stack in use "
                "%.0f)\n", static_cast<long long>(kParkedFibers),
                go_parked, peer(go, "go_parked_stack_bytes"));
    if (slab_bytes > 0 && go_parked > 0) {
      std::printf("  ratio spindle slab stacks / Go, %lld fibers: %.2f\n",
                  static_cast<long long>(kParkedFibers), slab_bytes / go_parked);
    }

    std::printf("allocations per operation (steady state; target 0):\n");
    const std::string channel_pingpong =
        "bm_pingpong_spindle_channel/workers:" + std::to_string(kWorkers) + "/real_time";
    const std::pair<const char*, std::string> rows[] = {
        {"spawn + run, warm stack cache", "bm_spawn_spindle_warm_cache"},
        {"yield / resume", "bm_yield_spindle"},
        {"mutex lock/unlock, uncontended", "bm_mutex_uncontended_spindle"},
        {"mutex lock/unlock, 4 fibers", "bm_mutex_spindle_fibers/4/real_time"},
        {"mutex lock/unlock, 64 fibers", "bm_mutex_spindle_fibers/64/real_time"},
        {"event wait (parked) / fire", "bm_event_wait_fire_spindle"},
        {"event ping-pong round trip", "bm_pingpong_spindle_event/real_time"},
        {"channel ping-pong round trip", channel_pingpong},
    };
    for (const auto& [label, key] : rows) {
      std::printf("  %-34s %8.4f allocs/op  %8.1f ns/op\n", label, counter(key, "allocs/op"),
                  ns_per_item(key));
    }
  }

  static double peer(const std::map<std::string, double>& go, const std::string& key) {
    auto it = go.find(key);
    return it == go.end() ? -1 : it->second;
  }
  static void row_ms(const char* label, double ms, const std::string& note = "") {
    std::printf("  %-38s %8.1f ms%s\n", label, ms, note.c_str());
  }
  static void row_ns(const char* label, double ns) {
    std::printf("  %-38s %8.1f ns\n", label, ns);
  }
  // -1 if the benchmark did not run or any of its runs failed (e.g. out of stacks): a time
  // from the surviving runs would flatter it.
  double time_of(const std::string& key) const {
    return failed_runs_.count(key) != 0 ? -1 : real_time(key);
  }
  // A note for a benchmark some of whose runs ran out of stacks, else "".
  std::string failures(const std::string& key) const {
    if (failed_runs_.count(key) == 0) return "";
    return "  (FAILED: fiber::go threw bad_alloc in some runs; vm.max_map_count)";
  }
  double ops_per_second(const std::string& key) const { return counter(key, "items_per_second"); }

  std::set<std::string> failed_runs_;  // benchmarks some of whose runs failed
};

}  // namespace

int main(int argc, char** argv) {
  fiber_summary reporter;
  return spindle::bench::run_with_summary(argc, argv, reporter);
}
