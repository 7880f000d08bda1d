// Executor benchmarks, each side by side with a peer in the same run (issue 5):
//   skynet     a task tree, 1M leaf tasks, fan-out 10 (no fibers): fast pool vs oneTBB task_group
//   scaling    the same skynet on 1, 2, 4 ... hardware-concurrency workers, both sides; the
//              small_scaling rows run a 100k-leaf tree whose nodes stay in cache (the 1M tree's
//              arena is 71 MB, written once per iteration), to tell memory traffic from
//              scheduling. Counter busy_cpus: process CPU time / wall time (parked workers
//              burn none, so well under `workers` means idle workers, near it slow tasks)
//   submit     throughput of intrusive submits from 1 and from N external threads, then
//              wait_idle, vs TBB (task_group::run) and Boost.Asio thread_pool (post)
//   pingpong   two tasks handing control to each other (each submits the other)
//   yield      every task resubmits itself with hint::yield (Asio: post to itself)
//   allocs     allocations per intrusive submit (counted by a replaced operator new)
// Wall time (UseRealTime): the work runs on the pools' threads, not the benchmark's.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <vector>

#include <benchmark/benchmark.h>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <spindle/exec/compute_pool.hpp>
#include <spindle/exec/fast_pool.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/thread.hpp>

#include "allocation_counter.hpp"

namespace exec = spindle::exec;
namespace twist = spindle::twist;

namespace {

constexpr std::int64_t kSkynetLeaves = 1'000'000;
constexpr std::int64_t kSkynetSmallLeaves = 100'000;  // 111k nodes, 7 MB: stays in cache
constexpr std::int64_t kSkynetFanOut = 10;

constexpr std::int64_t skynet_sum(std::int64_t leaves) { return leaves * (leaves - 1) / 2; }

// Process CPU time over wall time while alive: how many CPUs the benchmark kept busy.
class busy_cpus_meter {
 public:
  busy_cpus_meter() : cpu_(std::clock()), wall_(std::chrono::steady_clock::now()) {}
  void report(benchmark::State& state) const {
    const double cpu = static_cast<double>(std::clock() - cpu_) / CLOCKS_PER_SEC;
    const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - wall_;
    state.counters["busy_cpus"] = wall.count() > 0 ? cpu / wall.count() : 0;
  }

 private:
  std::clock_t cpu_;
  std::chrono::steady_clock::time_point wall_;
};

exec::fast_pool& shared_fast_pool() {
  static exec::fast_pool pool([] {
    exec::pool_options options;
    options.name = "bench-fast";
    return options;
  }());
  return pool;
}

exec::compute_pool& shared_compute_pool() {
  static exec::compute_pool pool([] {
    exec::pool_options options;
    options.name = "bench-compute";
    return options;
  }());
  return pool;
}

// ---- skynet on the fast pool: continuation passing, nodes in a preallocated arena ----------

struct skynet_node : exec::task {
  skynet_node() : task(&skynet_node::run_node) {}
  static void run_node(exec::task& self);
  void complete(std::int64_t value);

  skynet_node* parent = nullptr;
  skynet_node* children = nullptr;  // kSkynetFanOut of them, for an inner node
  std::int64_t number = 0;          // first leaf number of this subtree
  std::int64_t size = 0;            // leaves in this subtree
  twist::atomic<std::int64_t> sum{0};
  twist::atomic<std::int32_t> remaining{0};
};

struct skynet_arena {
  // Inner nodes own a block of kSkynetFanOut children, laid out level by level.
  explicit skynet_arena(std::int64_t tree_leaves) : leaves(tree_leaves) {
    std::size_t total = 1;
    for (std::int64_t level = leaves; level > 1; level /= kSkynetFanOut) {
      total += static_cast<std::size_t>(leaves / (level / kSkynetFanOut));
    }
    nodes.reset(new skynet_node[total]);
    capacity = total;
  }
  std::unique_ptr<skynet_node[]> nodes;
  std::size_t capacity = 0;
  std::int64_t leaves = 0;
  twist::atomic<std::size_t> used{0};
  exec::fast_pool* pool = nullptr;
};

skynet_arena* arena = nullptr;

void skynet_node::complete(std::int64_t value) {
  skynet_node* node = this;
  while (node->parent != nullptr) {
    skynet_node* p = node->parent;
    p->sum.fetch_add(value, std::memory_order_relaxed);
    // acq_rel: the last child sees every sibling's sum.
    if (p->remaining.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    value = p->sum.load(std::memory_order_relaxed);
    node = p;
  }
  node->sum.store(value, std::memory_order_release);  // the root
}

void skynet_node::run_node(exec::task& self) {
  auto& node = static_cast<skynet_node&>(self);
  if (node.size == 1) {
    node.complete(node.number);
    return;
  }
  const std::int64_t child_size = node.size / kSkynetFanOut;
  node.remaining.store(kSkynetFanOut, std::memory_order_relaxed);
  node.sum.store(0, std::memory_order_relaxed);
  for (std::int64_t i = 0; i < kSkynetFanOut; ++i) {
    skynet_node& child = node.children[i];
    child.parent = &node;
    child.number = node.number + i * child_size;
    child.size = child_size;
    arena->pool->submit(child);
  }
}

// Assigns every inner node its block of children (once; the tree shape never changes).
void link_skynet_arena(skynet_arena& a) {
  std::size_t next = 1;
  std::vector<skynet_node*> level{&a.nodes[0]};
  for (std::int64_t size = a.leaves; size > 1; size /= kSkynetFanOut) {
    std::vector<skynet_node*> below;
    for (skynet_node* n : level) {
      n->children = &a.nodes[next];
      for (std::int64_t i = 0; i < kSkynetFanOut; ++i) below.push_back(&a.nodes[next + i]);
      next += kSkynetFanOut;
    }
    level.swap(below);
  }
}

// The skynet loop on `pool`: one tree per benchmark iteration.
void run_skynet(exec::fast_pool& pool, benchmark::State& state,
                std::int64_t leaves = kSkynetLeaves) {
  skynet_arena a(leaves);
  link_skynet_arena(a);
  a.pool = &pool;
  arena = &a;
  const busy_cpus_meter busy;
  for (auto _ : state) {
    skynet_node& root = a.nodes[0];
    root.parent = nullptr;
    root.number = 0;
    root.size = leaves;
    pool.submit(root);
    pool.wait_idle();
    if (root.sum.load(std::memory_order_acquire) != skynet_sum(leaves)) {
      state.SkipWithError("wrong sum");
    }
  }
  busy.report(state);
  arena = nullptr;
}

void bm_skynet_spindle_fast_pool(benchmark::State& state) {
  exec::fast_pool& pool = shared_fast_pool();
  run_skynet(pool, state);
  state.counters["workers"] = static_cast<double>(pool.worker_count());
}

std::int64_t skynet_tbb(std::int64_t number, std::int64_t size) {
  if (size == 1) return number;
  std::int64_t sums[kSkynetFanOut];
  tbb::task_group group;
  const std::int64_t child_size = size / kSkynetFanOut;
  for (std::int64_t i = 0; i < kSkynetFanOut; ++i) {
    group.run([&sums, i, number, child_size] {
      sums[i] = skynet_tbb(number + i * child_size, child_size);
    });
  }
  group.wait();
  std::int64_t sum = 0;
  for (std::int64_t s : sums) sum += s;
  return sum;
}

void bm_skynet_tbb_task_group(benchmark::State& state) {
  tbb::task_arena tbb_arena;  // default: hardware concurrency
  for (auto _ : state) {
    std::int64_t sum = 0;
    tbb_arena.execute([&] { sum = skynet_tbb(0, kSkynetLeaves); });
    if (sum != skynet_sum(kSkynetLeaves)) state.SkipWithError("wrong sum");
  }
}

// ---- skynet scaling: the same two trees on 1, 2, 4 ... hardware-concurrency workers ----------

void skynet_scaling_spindle(benchmark::State& state, std::int64_t leaves) {
  exec::pool_options options;
  options.name = "bench-scaling";
  options.workers = static_cast<std::size_t>(state.range(0));
  exec::fast_pool pool(std::move(options));
  run_skynet(pool, state, leaves);
}

void skynet_scaling_tbb(benchmark::State& state, std::int64_t leaves) {
  tbb::task_arena tbb_arena(static_cast<int>(state.range(0)));
  const busy_cpus_meter busy;
  for (auto _ : state) {
    std::int64_t sum = 0;
    tbb_arena.execute([&] { sum = skynet_tbb(0, leaves); });
    if (sum != skynet_sum(leaves)) state.SkipWithError("wrong sum");
  }
  busy.report(state);
}

void bm_skynet_scaling_spindle(benchmark::State& state) {
  skynet_scaling_spindle(state, kSkynetLeaves);
}
void bm_skynet_scaling_tbb(benchmark::State& state) { skynet_scaling_tbb(state, kSkynetLeaves); }
void bm_skynet_small_scaling_spindle(benchmark::State& state) {
  skynet_scaling_spindle(state, kSkynetSmallLeaves);
}
void bm_skynet_small_scaling_tbb(benchmark::State& state) {
  skynet_scaling_tbb(state, kSkynetSmallLeaves);
}

// Powers of two up to the machine's hardware concurrency (and that itself), or up to
// SPINDLE_BENCH_MAX_WORKERS if set (to oversubscribe a small machine on purpose).
void worker_counts(benchmark::internal::Benchmark* b) {
  auto hw = static_cast<std::int64_t>(twist::thread::hardware_concurrency());
  if (const char* text = std::getenv("SPINDLE_BENCH_MAX_WORKERS")) hw = std::atoll(text);
  b->ArgName("workers");
  for (std::int64_t n = 1; n < hw; n *= 2) b->Arg(n);
  b->Arg(hw < 1 ? 1 : hw);
}

// ---- submit throughput ----------------------------------------------------------------------

struct counted_task : exec::task {
  counted_task() : task(&counted_task::invoke) {}
  static void invoke(exec::task& self) {
    static_cast<counted_task&>(self).ran->fetch_add(1, std::memory_order_relaxed);
  }
  twist::atomic<std::size_t>* ran = nullptr;
};

constexpr std::size_t kSubmitBatch = 10'000;

template <class Pool>
void submit_from_threads(benchmark::State& state, Pool& pool) {
  const auto threads = static_cast<std::size_t>(state.range(0));
  std::vector<counted_task> tasks(kSubmitBatch);
  twist::atomic<std::size_t> ran{0};
  for (auto& t : tasks) t.ran = &ran;
  double allocations = 0;
  for (auto _ : state) {
    const std::size_t before = spindle::bench::allocations();
    if (threads == 1) {
      for (auto& t : tasks) pool.submit(t);
    } else {
      std::vector<twist::thread> producers;
      for (std::size_t p = 0; p < threads; ++p) {
        producers.emplace_back([&, p] {
          for (std::size_t i = p; i < kSubmitBatch; i += threads) pool.submit(tasks[i]);
        });
      }
      for (auto& t : producers) t.join();
    }
    if (threads == 1) allocations += static_cast<double>(spindle::bench::allocations() - before);
    pool.wait_idle();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kSubmitBatch));
  if (threads == 1) {
    state.counters["allocs/submit"] = allocations / static_cast<double>(state.iterations()) /
                                      static_cast<double>(kSubmitBatch);
  }
}

void bm_submit_spindle_fast_pool(benchmark::State& state) {
  submit_from_threads(state, shared_fast_pool());
}
void bm_submit_spindle_compute_pool(benchmark::State& state) {
  submit_from_threads(state, shared_compute_pool());
}

void bm_submit_tbb_task_group(benchmark::State& state) {
  const auto threads = static_cast<std::size_t>(state.range(0));
  twist::atomic<std::size_t> ran{0};
  tbb::task_arena tbb_arena;
  for (auto _ : state) {
    tbb::task_group group;
    auto submit_range = [&](std::size_t first) {
      for (std::size_t i = first; i < kSubmitBatch; i += threads) {
        tbb_arena.execute([&] { group.run([&] { ran.fetch_add(1, std::memory_order_relaxed); }); });
      }
    };
    if (threads == 1) {
      submit_range(0);
    } else {
      std::vector<twist::thread> producers;
      for (std::size_t p = 0; p < threads; ++p) producers.emplace_back(submit_range, p);
      for (auto& t : producers) t.join();
    }
    tbb_arena.execute([&] { group.wait(); });
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kSubmitBatch));
}

void bm_submit_asio_thread_pool(benchmark::State& state) {
  const auto threads = static_cast<std::size_t>(state.range(0));
  boost::asio::thread_pool pool(twist::thread::hardware_concurrency());
  twist::atomic<std::size_t> ran{0};
  for (auto _ : state) {
    const std::size_t target = ran.load() + kSubmitBatch;
    auto submit_range = [&](std::size_t first) {
      for (std::size_t i = first; i < kSubmitBatch; i += threads) {
        boost::asio::post(pool, [&] { ran.fetch_add(1, std::memory_order_relaxed); });
      }
    };
    if (threads == 1) {
      submit_range(0);
    } else {
      std::vector<twist::thread> producers;
      for (std::size_t p = 0; p < threads; ++p) producers.emplace_back(submit_range, p);
      for (auto& t : producers) t.join();
    }
    while (ran.load() < target) twist::this_thread::yield();
  }
  pool.join();
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kSubmitBatch));
}

// ---- ping-pong and yield storm --------------------------------------------------------------

constexpr std::int64_t kHops = 100'000;

struct hopper : exec::task {
  hopper() : task(&hopper::invoke) {}
  static void invoke(exec::task& self) {
    auto& me = static_cast<hopper&>(self);
    if (me.left->fetch_sub(1, std::memory_order_relaxed) <= 1) return;
    me.pool->submit(me.target != nullptr ? *me.target : me, me.hint_used);
  }
  exec::worker_pool* pool = nullptr;
  hopper* target = nullptr;  // the other task (ping-pong) or nullptr (yield to itself)
  exec::hint hint_used = exec::hint::next;
  twist::atomic<std::int64_t>* left = nullptr;
};

void bm_pingpong_spindle_fast_pool(benchmark::State& state) {
  exec::fast_pool& pool = shared_fast_pool();
  hopper a;
  hopper b;
  twist::atomic<std::int64_t> left{0};
  a.pool = b.pool = &pool;
  a.target = &b;
  b.target = &a;
  a.left = b.left = &left;
  for (auto _ : state) {
    left.store(kHops);
    pool.submit(a);
    pool.wait_idle();
  }
  state.SetItemsProcessed(state.iterations() * kHops);
}

void bm_pingpong_asio_thread_pool(benchmark::State& state) {
  boost::asio::thread_pool pool(twist::thread::hardware_concurrency());
  twist::atomic<std::int64_t> left{0};
  twist::atomic<bool> done{false};
  struct hop {
    boost::asio::thread_pool* pool;
    twist::atomic<std::int64_t>* left;
    twist::atomic<bool>* done;
    void operator()() const {
      if (left->fetch_sub(1, std::memory_order_relaxed) <= 1) {
        done->store(true, std::memory_order_release);
        return;
      }
      boost::asio::post(*pool, *this);
    }
  };
  for (auto _ : state) {
    left.store(kHops);
    done.store(false);
    boost::asio::post(pool, hop{&pool, &left, &done});
    while (!done.load(std::memory_order_acquire)) twist::this_thread::yield();
  }
  pool.join();
  state.SetItemsProcessed(state.iterations() * kHops);
}

void bm_yield_storm_spindle_fast_pool(benchmark::State& state) {
  exec::fast_pool& pool = shared_fast_pool();
  constexpr std::size_t kTasks = 64;
  std::vector<hopper> tasks(kTasks);
  twist::atomic<std::int64_t> left{0};
  for (auto& t : tasks) {
    t.pool = &pool;
    t.left = &left;
    t.hint_used = exec::hint::yield;
  }
  for (auto _ : state) {
    left.store(kHops + static_cast<std::int64_t>(kTasks));
    for (auto& t : tasks) pool.submit(t);
    pool.wait_idle();
  }
  state.SetItemsProcessed(state.iterations() * kHops);
}

void bm_yield_storm_asio_thread_pool(benchmark::State& state) {
  boost::asio::thread_pool pool(twist::thread::hardware_concurrency());
  constexpr std::size_t kTasks = 64;
  twist::atomic<std::int64_t> left{0};
  twist::atomic<std::size_t> finished{0};
  struct yielder {
    boost::asio::thread_pool* pool;
    twist::atomic<std::int64_t>* left;
    twist::atomic<std::size_t>* finished;
    void operator()() const {
      if (left->fetch_sub(1, std::memory_order_relaxed) <= 1) {
        finished->fetch_add(1, std::memory_order_release);
        return;
      }
      boost::asio::post(*pool, *this);
    }
  };
  for (auto _ : state) {
    left.store(kHops + static_cast<std::int64_t>(kTasks));
    finished.store(0);
    for (std::size_t i = 0; i < kTasks; ++i) {
      boost::asio::post(pool, yielder{&pool, &left, &finished});
    }
    while (finished.load(std::memory_order_acquire) < kTasks) twist::this_thread::yield();
  }
  pool.join();
  state.SetItemsProcessed(state.iterations() * kHops);
}

}  // namespace

BENCHMARK(bm_skynet_spindle_fast_pool)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(bm_skynet_tbb_task_group)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(bm_skynet_scaling_spindle)->Apply(worker_counts)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(bm_skynet_scaling_tbb)->Apply(worker_counts)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(bm_skynet_small_scaling_spindle)
    ->Apply(worker_counts)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(bm_skynet_small_scaling_tbb)
    ->Apply(worker_counts)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(bm_submit_spindle_fast_pool)->Arg(1)->Arg(4)->UseRealTime();
BENCHMARK(bm_submit_spindle_compute_pool)->Arg(1)->Arg(4)->UseRealTime();
BENCHMARK(bm_submit_tbb_task_group)->Arg(1)->Arg(4)->UseRealTime();
BENCHMARK(bm_submit_asio_thread_pool)->Arg(1)->Arg(4)->UseRealTime();
BENCHMARK(bm_pingpong_spindle_fast_pool)->UseRealTime();
BENCHMARK(bm_pingpong_asio_thread_pool)->UseRealTime();
BENCHMARK(bm_yield_storm_spindle_fast_pool)->UseRealTime();
BENCHMARK(bm_yield_storm_asio_thread_pool)->UseRealTime();
