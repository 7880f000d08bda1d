// Fiber benchmarks (issue: fibers), spindle's side; the peers are Go (bench/peers/go, run by
// scripts/bench fiber in the same invocation), Boost.Fiber (fiber_bench_boost.cpp) and
// std::mutex on OS threads (here). Every pool has kWorkers workers (the machine's 2 cores).
//   skynet      1M leaf fibers, fan-out 10; every node is a fiber (1,111,111 in all) that
//               spawns its children with fiber::go and sums their results. Result passing,
//               two ways: each parent owns a wait_group and an array its children write into
//               (plain memory: done() releases, wait() acquires), or, as Go's classic, each
//               parent owns an unbuffered fiber::chan::channel its children send on. Each with
//               the default stacks (per-thread caches) and with one shared stack free list.
//   pingpong    two fibers passing a token over two unbuffered channels (one round trip =
//               two rendezvous); and the same through fiber::sync::event pairs.
//   mutex       N fibers on the pool (N = 4, 16, 64), each lock/increment/unlock in a loop;
//               peer: std::mutex with N OS threads. Throughput, ops/s.
//   parked      RSS growth per fiber with N fibers parked on one event (64 KiB stacks): the
//               default guarded stacks (which stop near 32,700 fibers: vm.max_map_count) and
//               fiber::slab_stack_allocator (100,000 and 1,000,000 fibers); also the kernel
//               mappings and page-table memory they add.
//   allocs      operator new calls per operation in steady state (allocation_counter.cpp):
//               spawn (warm stack cache), yield, mutex (uncontended), event wait/fire; the
//               contended rows count allocations in the mutex and ping-pong runs.
// Wall time (UseRealTime): the work runs on the pool's threads, not the benchmark's.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <new>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include <spindle/context/stack.hpp>
#include <spindle/exec/fast_pool.hpp>
#include <spindle/exec/manual_executor.hpp>
#include <spindle/fiber/chan/channel.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/slab_stack_allocator.hpp>
#include <spindle/fiber/stack_allocator.hpp>
#include <spindle/fiber/sync/event.hpp>
#include <spindle/fiber/sync/mutex.hpp>
#include <spindle/fiber/sync/wait_group.hpp>

#include "allocation_counter.hpp"
#include "fiber_bench_common.hpp"

namespace exec = spindle::exec;
namespace fiber = spindle::fiber;
using spindle::bench::allocations;
using namespace spindle::bench::fiber_bench;

namespace {

exec::fast_pool& shared_pool() {
  static exec::fast_pool pool([] {
    exec::pool_options options;
    options.name = "bench-fiber";
    options.workers = kWorkers;
    return options;
  }());
  return pool;
}

// Allocations per operation over the measured loop, as a benchmark counter.
void count_allocations(benchmark::State& state, std::size_t before, double operations) {
  state.counters["allocs/op"] =
      static_cast<double>(allocations() - before) / operations;
}

// ---- skynet ---------------------------------------------------------------------------------

// Spawns that failed for want of a stack (std::bad_alloc: in practice the kernel's limit on
// mappings, vm.max_map_count, since each guarded stack is two). The failed child then runs
// inline in its parent, and the run is reported as an error, not as a time.
std::atomic<std::int64_t> failed_spawns{0};

void note_failed_spawn() noexcept {
  // relaxed: a statistic, read after the run's last fiber is joined (wait_group/recv).
  failed_spawns.fetch_add(1, std::memory_order_relaxed);
}

// Call after each skynet run: a counter, not SkipWithError (Google Benchmark 1.7.1 crashes
// computing the aggregates of repetitions some of which erred). The summary shows such a
// benchmark as failed instead of giving its time.
void report_failed_spawns(benchmark::State& state) {
  const std::int64_t failed = failed_spawns.exchange(0, std::memory_order_relaxed);
  state.counters["failed_spawns"] += static_cast<double>(failed);
}

std::int64_t skynet(exec::executor& ex, std::int64_t number, std::int64_t size,
                    fiber::stack_allocator* stacks);

struct skynet_child {
  exec::executor* ex;
  std::int64_t* result;
  fiber::sync::wait_group* group;
  std::int64_t number;
  std::int64_t size;
  fiber::stack_allocator* stacks = nullptr;  // null: the default per-thread caches
  void operator()() const {
    *result = skynet(*ex, number, size, stacks);
    group->done();  // after the write: the parent reads the result once wait() returns
  }
};

std::int64_t skynet(exec::executor& ex, std::int64_t number, std::int64_t size,
                    fiber::stack_allocator* stacks) {
  if (size == 1) return number;
  fiber::options opts;
  opts.stacks = stacks;
  std::int64_t results[kSkynetFanOut];
  fiber::sync::wait_group group;
  group.add(kSkynetFanOut);
  const std::int64_t child_size = size / kSkynetFanOut;
  for (std::int64_t i = 0; i < kSkynetFanOut; ++i) {
    const skynet_child child{&ex, &results[i], &group, number + i * child_size, child_size,
                             stacks};
    try {
      fiber::go(ex, child, opts);
    } catch (const std::bad_alloc&) {
      note_failed_spawn();
      child();  // inline, so the tree still completes and the run can report the failure
    }
  }
  group.wait();
  std::int64_t sum = 0;
  for (std::int64_t r : results) sum += r;
  return sum;
}

void bm_skynet_spindle_wait_group(benchmark::State& state) {
  exec::fast_pool& pool = shared_pool();
  for (auto _ : state) {
    std::int64_t sum = 0;
    fiber::sync::wait_group root;
    root.add(1);
    fiber::go(pool, skynet_child{&pool, &sum, &root, 0, kSkynetLeaves});
    root.wait();  // the benchmark thread parks on the futex
    if (sum != kSkynetSum) state.SkipWithError("wrong sum");
    report_failed_spawns(state);
  }
  state.counters["workers"] = static_cast<double>(pool.worker_count());
}

// Go's skynet with channels: each parent owns a channel its children send their results on.
// Buffered (capacity kSkynetFanOut, on the parent's stack: no allocation), not unbuffered as
// in Go's classic: with unbuffered channels every finished child stays parked in send() until
// its parent receives, the number of live fibers (each holding a 64 KiB guarded stack, two
// kernel mappings) passes what vm.max_map_count allows (about 32,700 stacks by default) and
// fiber::go throws std::bad_alloc. Buffered, a child's send never blocks.
std::int64_t skynet_chan(exec::executor& ex, std::int64_t number, std::int64_t size,
                         fiber::stack_allocator* stacks);

struct skynet_chan_child {
  exec::executor* ex;
  fiber::chan::channel<std::int64_t>* out;
  std::int64_t number;
  std::int64_t size;
  fiber::stack_allocator* stacks = nullptr;  // null: the default per-thread caches
  void operator()() const { out->send(skynet_chan(*ex, number, size, stacks)); }
};

std::int64_t skynet_chan(exec::executor& ex, std::int64_t number, std::int64_t size,
                         fiber::stack_allocator* stacks) {
  if (size == 1) return number;
  fiber::options opts;
  opts.stacks = stacks;
  fiber::chan::storage_slot<std::int64_t> slots[kSkynetFanOut];
  fiber::chan::channel<std::int64_t> results{std::span(slots)};
  const std::int64_t child_size = size / kSkynetFanOut;
  for (std::int64_t i = 0; i < kSkynetFanOut; ++i) {
    const skynet_chan_child child{&ex, &results, number + i * child_size, child_size, stacks};
    try {
      fiber::go(ex, child, opts);
    } catch (const std::bad_alloc&) {
      note_failed_spawn();
      child();  // inline (the buffered send never blocks), so the tree still completes
    }
  }
  std::int64_t sum = 0;
  for (std::int64_t i = 0; i < kSkynetFanOut; ++i) sum += *results.recv();
  return sum;
}

void skynet_chan_root(benchmark::State& state, fiber::stack_allocator* stacks) {
  exec::fast_pool& pool = shared_pool();
  for (auto _ : state) {
    fiber::chan::channel<std::int64_t> root(1);
    fiber::options opts;
    opts.stacks = stacks;
    fiber::go(pool, skynet_chan_child{&pool, &root, 0, kSkynetLeaves, stacks}, opts);
    const std::int64_t sum = *root.recv();  // the benchmark thread parks on the futex
    if (sum != kSkynetSum) state.SkipWithError("wrong sum");
    report_failed_spawns(state);
  }
}

void bm_skynet_spindle_channel(benchmark::State& state) { skynet_chan_root(state, nullptr); }

// The same with every stack from one process-wide free list (a mutex and a vector, no limit):
// what skynet costs when stacks never go back to the kernel. The default per-thread caches
// keep at most 16 stacks each, and skynet's stacks drift from the worker that spawned them to
// the one that ran their last step, so one worker maps stacks while the other unmaps them.
class shared_stack_list final : public fiber::stack_allocator {
 public:
  shared_stack_list() { idle_.reserve(kSharedStackReserve); }
  spindle::context::stack allocate(std::size_t size) override {
    if (spindle::context::stack::rounded_size(size) == spindle::context::stack::default_size) {
      std::lock_guard guard(mutex_);
      if (++in_use_ > peak_in_use_) peak_in_use_ = in_use_;
      if (!idle_.empty()) {
        spindle::context::stack s = std::move(idle_.back());
        idle_.pop_back();
        return s;
      }
    }
    try {
      return spindle::context::stack(size);
    } catch (...) {
      std::lock_guard guard(mutex_);
      --in_use_;
      throw;
    }
  }
  // The most stacks out at once since the last reset: the peak of live fibers using the list.
  std::int64_t peak_in_use() {
    std::lock_guard guard(mutex_);
    return peak_in_use_;
  }
  void reset_peak() {
    std::lock_guard guard(mutex_);
    peak_in_use_ = in_use_;
  }
  // Unmaps the idle stacks: after a run, so that the next benchmarks have the kernel's
  // mapping budget (vm.max_map_count) to themselves.
  void trim() {
    std::lock_guard guard(mutex_);
    idle_.clear();  // keeps the capacity: deallocate() still never allocates
  }

  void deallocate(spindle::context::stack idle) noexcept override {
    if (idle.size() != spindle::context::stack::default_size) return;  // unmaps here
    std::lock_guard guard(mutex_);
    --in_use_;
    if (idle_.size() < idle_.capacity()) idle_.push_back(std::move(idle));  // no allocation
  }

 private:
  // Measured: skynet keeps up to about 18,500 fibers alive at once on this pool (every 61st
  // pop takes the oldest, biggest subtree: WS.FAIR1 in docs/exec.md), and each holds a stack.
  static constexpr std::size_t kSharedStackReserve = 32768;
  std::mutex mutex_;
  std::vector<spindle::context::stack> idle_;  // guarded by mutex_
  std::int64_t in_use_ = 0;                   // guarded by mutex_
  std::int64_t peak_in_use_ = 0;              // guarded by mutex_
};

shared_stack_list& shared_stacks() {
  static shared_stack_list stacks;  // outlives every fiber (stacks go back at exit)
  return stacks;
}

void bm_skynet_spindle_shared_stacks(benchmark::State& state) {
  // The default allocator's depot keeps up to 16384 idle stacks (two mappings each) from the
  // benchmarks before: give them back, or this list's own ~16,000 stacks run into
  // vm.max_map_count (65530 by default) and spawning fails.
  fiber::release_idle_stacks();
  exec::fast_pool& pool = shared_pool();
  shared_stack_list& stacks = shared_stacks();
  stacks.reset_peak();
  for (auto _ : state) {
    std::int64_t sum = 0;
    fiber::sync::wait_group root;
    root.add(1);
    fiber::options opts;
    opts.stacks = &stacks;  // options are not inherited: skynet_child passes it on
    fiber::go(pool, skynet_child{&pool, &sum, &root, 0, kSkynetLeaves, &stacks}, opts);
    root.wait();
    if (sum != kSkynetSum) state.SkipWithError("wrong sum");
    report_failed_spawns(state);
  }
  state.counters["peak_live_fibers"] = static_cast<double>(stacks.peak_in_use());
  stacks.trim();
}

void bm_skynet_spindle_channel_shared_stacks(benchmark::State& state) {
  fiber::release_idle_stacks();  // as in bm_skynet_spindle_shared_stacks
  shared_stacks().reset_peak();
  skynet_chan_root(state, &shared_stacks());
  state.counters["peak_live_fibers"] = static_cast<double>(shared_stacks().peak_in_use());
  shared_stacks().trim();
}

// ---- ping-pong through unbuffered channels --------------------------------------------------

// A one-worker pool: ping-pong on one core, without the cross-core hops of the 2-worker pool.
exec::fast_pool& single_worker_pool() {
  static exec::fast_pool pool([] {
    exec::pool_options options;
    options.name = "bench-fiber-1w";
    options.workers = 1;
    return options;
  }());
  return pool;
}

// Argument: the pool's workers (kWorkers, or 1).
void bm_pingpong_spindle_channel(benchmark::State& state) {
  exec::fast_pool& pool = state.range(0) == 1 ? single_worker_pool() : shared_pool();
  fiber::chan::channel<std::int64_t> ping;  // unbuffered: each send is a rendezvous
  fiber::chan::channel<std::int64_t> pong;
  std::size_t allocs = 0;
  for (auto _ : state) {
    fiber::sync::wait_group finished;
    finished.add(2);
    const std::size_t before = allocations();
    fiber::go(pool, [&ping, &pong, &finished] {
      for (std::int64_t i = 0; i < kPingPongTrips; ++i) {
        ping.send(i);
        pong.recv();
      }
      finished.done();
    });
    fiber::go(pool, [&ping, &pong, &finished] {
      for (std::int64_t i = 0; i < kPingPongTrips; ++i) pong.send(*ping.recv());
      finished.done();
    });
    finished.wait();
    allocs += allocations() - before;
  }
  state.SetItemsProcessed(state.iterations() * kPingPongTrips);
  state.counters["allocs/op"] = static_cast<double>(allocs) /
                                static_cast<double>(state.iterations() * kPingPongTrips);
}

// ---- ping-pong through events (not channels) ------------------------------------------------

struct round_trip {
  fiber::sync::event ping;
  fiber::sync::event pong;
};

void bm_pingpong_spindle_event(benchmark::State& state) {
  exec::fast_pool& pool = shared_pool();
  std::size_t allocs = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::unique_ptr<round_trip[]> rounds(new round_trip[kPingPongTrips]);
    fiber::sync::wait_group finished;
    finished.add(2);
    state.ResumeTiming();
    const std::size_t before = allocations();
    fiber::go(pool, [&rounds, &finished] {
      for (std::int64_t i = 0; i < kPingPongTrips; ++i) {
        rounds[i].ping.fire();
        rounds[i].pong.wait();
      }
      finished.done();
    });
    fiber::go(pool, [&rounds, &finished] {
      for (std::int64_t i = 0; i < kPingPongTrips; ++i) {
        rounds[i].ping.wait();
        rounds[i].pong.fire();
      }
      finished.done();
    });
    finished.wait();
    allocs += allocations() - before;
    state.PauseTiming();
    rounds.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kPingPongTrips);
  // Two spawns per iteration are in this count; a round trip itself should allocate nothing.
  state.counters["allocs/op"] = static_cast<double>(allocs) /
                                static_cast<double>(state.iterations() * kPingPongTrips);
}

// ---- mutex under contention ----------------------------------------------------------------

void bm_mutex_spindle_fibers(benchmark::State& state) {
  exec::fast_pool& pool = shared_pool();
  const auto fibers = static_cast<std::int64_t>(state.range(0));
  const std::int64_t per_fiber = kMutexOps / fibers;
  fiber::sync::mutex mutex;
  std::int64_t counter = 0;  // guarded by mutex
  std::size_t allocs = 0;
  for (auto _ : state) {
    counter = 0;
    fiber::sync::wait_group finished;
    finished.add(static_cast<std::uint32_t>(fibers));
    const std::size_t before = allocations();
    for (std::int64_t f = 0; f < fibers; ++f) {
      fiber::go(pool, [&mutex, &counter, &finished, per_fiber] {
        for (std::int64_t i = 0; i < per_fiber; ++i) {
          mutex.lock();
          ++counter;
          mutex.unlock();
        }
        finished.done();
      });
    }
    finished.wait();
    allocs += allocations() - before;
    if (counter != per_fiber * fibers) state.SkipWithError("lost increments");
  }
  state.SetItemsProcessed(state.iterations() * per_fiber * fibers);
  state.counters["allocs/op"] = static_cast<double>(allocs) /
                                static_cast<double>(state.iterations() * per_fiber * fibers);
}

void bm_mutex_std_threads(benchmark::State& state) {
  const auto threads = static_cast<std::int64_t>(state.range(0));
  const std::int64_t per_thread = kMutexOps / threads;
  std::mutex mutex;
  std::int64_t counter = 0;  // guarded by mutex
  for (auto _ : state) {
    counter = 0;
    std::vector<std::thread> workers;
    for (std::int64_t t = 0; t < threads; ++t) {
      workers.emplace_back([&mutex, &counter, per_thread] {
        for (std::int64_t i = 0; i < per_thread; ++i) {
          std::lock_guard guard(mutex);
          ++counter;
        }
      });
    }
    for (auto& w : workers) w.join();
    if (counter != per_thread * threads) state.SkipWithError("lost increments");
  }
  state.SetItemsProcessed(state.iterations() * per_thread * threads);
}

// ---- memory per parked fiber ---------------------------------------------------------------

// Parks state.range(0) fibers on one event, with stacks from `stacks` (null: the default
// guarded stacks), and reports RSS, kernel mappings and page-table memory added per fiber.
void parked_fibers(benchmark::State& state, fiber::stack_allocator* stacks) {
  exec::fast_pool& pool = shared_pool();
  const auto wanted = static_cast<std::int64_t>(state.range(0));
  fiber::options opts;
  opts.stacks = stacks;
  double bytes_per_fiber = 0;
  double page_table_bytes_per_fiber = 0;
  double mappings_added = 0;
  std::int64_t parked = 0;
  for (auto _ : state) {
    fiber::sync::event release;
    fiber::sync::wait_group started;
    fiber::sync::wait_group finished;
    const std::int64_t before = resident_bytes();
    const std::int64_t page_tables_before = page_table_bytes();
    const std::int64_t mappings_before = mapping_count();
    parked = 0;
    try {
      for (; parked < wanted; ++parked) {
        started.add(1);
        finished.add(1);
        try {
          fiber::go(pool, [&release, &started, &finished] {
            started.done();
            release.wait();
            finished.done();
          }, opts);
        } catch (...) {
          started.done();
          finished.done();
          throw;
        }
      }
    } catch (const std::bad_alloc&) {
      // Out of stacks: the kernel's map count limit (vm.max_map_count), most likely; reported.
    }
    started.wait();
    const std::int64_t after = resident_bytes();
    const double fibers = parked > 0 ? static_cast<double>(parked) : 1;
    bytes_per_fiber = static_cast<double>(after - before) / fibers;
    page_table_bytes_per_fiber =
        static_cast<double>(page_table_bytes() - page_tables_before) / fibers;
    mappings_added = static_cast<double>(mapping_count() - mappings_before);
    release.fire();
    finished.wait();
    // wait() returns before the last fibers have left their stacks: let the pool go idle.
    pool.wait_idle();
  }
  state.counters["fibers_parked"] = static_cast<double>(parked);
  state.counters["rss_bytes/fiber"] = bytes_per_fiber;
  state.counters["page_table_bytes/fiber"] = page_table_bytes_per_fiber;
  state.counters["mappings_added"] = mappings_added;
  if (parked < wanted) {
    state.SetLabel("stack allocation failed after " + std::to_string(parked) + " fibers");
  }
}

// The default: a guarded stack per fiber (two kernel mappings each), so about 32,700 at most
// under Linux's default vm.max_map_count.
void bm_parked_spindle_fibers(benchmark::State& state) { parked_fibers(state, nullptr); }

// fiber::slab_stack_allocator, default options: 64 KiB stacks (as above), 256 per slab (one
// mapping each). A fresh allocator per run, unmapped after it, so runs do not inherit slabs.
void bm_parked_spindle_fibers_slab(benchmark::State& state) {
  fiber::slab_stack_allocator stacks;
  parked_fibers(state, &stacks);
}

// ---- allocations per operation in steady state ---------------------------------------------

// Spawn + run to completion on a manual executor pumped by this thread, so every stack comes
// from and goes back to this thread's cache (warm after the first spawn).
void bm_spawn_spindle_warm_cache(benchmark::State& state) {
  exec::manual_executor manual;
  std::int64_t ran = 0;
  fiber::go(manual, [&ran] { ++ran; });  // warm-up: the cache holds a stack from here on
  manual.drain();
  const std::size_t before = allocations();
  for (auto _ : state) {
    fiber::go(manual, [&ran] { ++ran; });
    manual.drain();
  }
  count_allocations(state, before, static_cast<double>(state.iterations()));
  state.SetItemsProcessed(state.iterations());
  benchmark::DoNotOptimize(ran);
}

// One fiber yielding on a manual executor: a yield is a suspend, a resubmit and a resume.
void bm_yield_spindle(benchmark::State& state) {
  exec::manual_executor manual;
  std::size_t before = 0;
  std::int64_t yields = 0;
  bool stop = false;
  fiber::go(manual, [&] {
    while (!stop) {
      fiber::yield();
      ++yields;
    }
  });
  manual.run_next();  // the fiber's first step: it is in its first yield
  before = allocations();
  for (auto _ : state) manual.run_next();
  count_allocations(state, before, static_cast<double>(state.iterations()));
  stop = true;
  manual.drain();
  state.SetItemsProcessed(state.iterations());
  benchmark::DoNotOptimize(yields);
}

// Runs `body(state)` inside a fiber on `manual`, pumped by this thread until it is empty.
template <class Body>
void in_fiber(exec::manual_executor& manual, benchmark::State& state, Body body) {
  fiber::go(manual, [&state, &body] { body(state); });
  manual.drain();
}

void bm_mutex_uncontended_spindle(benchmark::State& state) {
  exec::manual_executor manual;
  in_fiber(manual, state, [](benchmark::State& s) {
    fiber::sync::mutex mutex;
    const std::size_t before = allocations();
    for (auto _ : s) {
      mutex.lock();
      mutex.unlock();
    }
    count_allocations(s, before, static_cast<double>(s.iterations()));
    s.SetItemsProcessed(s.iterations());
  });
}

// An event fired by another fiber while this one is parked on it: wait (park), fire (wake),
// resume. Both fibers on a manual executor, so the count covers exactly this.
void bm_event_wait_fire_spindle(benchmark::State& state) {
  exec::manual_executor manual;
  struct slot {
    fiber::sync::event* event = nullptr;
  } shared;
  bool stop = false;
  std::int64_t fired = 0;
  fiber::go(manual, [&] {  // the firer: fires whatever event the waiter published
    while (!stop) {
      if (shared.event != nullptr) {
        std::exchange(shared.event, nullptr)->fire();
        ++fired;
      }
      fiber::yield();
    }
  });
  std::size_t before = 0;
  in_fiber(manual, state, [&](benchmark::State& s) {
    before = allocations();
    for (auto _ : s) {
      fiber::sync::event e;
      shared.event = &e;
      e.wait();  // parks; the manual executor runs the firer, which wakes us
    }
    count_allocations(s, before, static_cast<double>(s.iterations()));
    s.SetItemsProcessed(s.iterations());
    stop = true;
  });
  benchmark::DoNotOptimize(fired);
}

}  // namespace

BENCHMARK(bm_parked_spindle_fibers)->Arg(kParkedFibers)->Arg(kParkedFibersWithinMapLimit)
    ->Iterations(1)->UseRealTime();
BENCHMARK(bm_parked_spindle_fibers_slab)->Arg(kParkedFibers)->Arg(kParkedFibersMillion)
    ->Iterations(1)->UseRealTime();
BENCHMARK(bm_skynet_spindle_wait_group)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(bm_skynet_spindle_shared_stacks)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(bm_skynet_spindle_channel)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(bm_skynet_spindle_channel_shared_stacks)->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(bm_pingpong_spindle_channel)->ArgName("workers")->Arg(kWorkers)->Arg(1)
    ->UseRealTime();
BENCHMARK(bm_pingpong_spindle_event)->UseRealTime();
BENCHMARK(bm_mutex_spindle_fibers)->Arg(4)->Arg(16)->Arg(64)->UseRealTime();
BENCHMARK(bm_mutex_std_threads)->Arg(4)->Arg(16)->Arg(64)->UseRealTime();
BENCHMARK(bm_spawn_spindle_warm_cache);
BENCHMARK(bm_yield_spindle);
BENCHMARK(bm_mutex_uncontended_spindle);
BENCHMARK(bm_event_wait_fire_spindle);
