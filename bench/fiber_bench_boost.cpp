// The Boost.Fiber peer of fiber_bench.cpp: skynet with Boost.Fiber's work-stealing scheduler
// on kWorkers threads, written as Boost's own performance test writes it
// (libs/fiber/performance/fiber/skynet_stealing_detach.cpp): each node is a detached fiber
// launched with launch::dispatch, children push their results into the parent's
// buffered_channel. Stacks: fixedsize_stack of 64 KiB (spindle's default size; Boost's test
// uses 8 KiB).
//
// Boost.Fiber's work_stealing can be set up once per process (its scheduler table is static
// and sized on first use), so the two scheduler threads live as long as the program: started
// on first use, fed jobs through a channel, joined at exit. They sleep when idle (suspend =
// true), so they do not take CPU from the other benchmarks.
#include <cstdint>
#include <functional>
#include <future>
#include <latch>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>
#include <boost/fiber/all.hpp>
#include <boost/fiber/algo/work_stealing.hpp>

#include "fiber_bench_common.hpp"

using namespace spindle::bench::fiber_bench;

namespace {

using job = std::function<void()>;

class boost_fiber_pool {
 public:
  boost_fiber_pool() {
    for (std::size_t i = 0; i < kWorkers; ++i) {
      threads_.emplace_back([this, i] {
        boost::fibers::use_scheduling_algorithm<boost::fibers::algo::work_stealing>(
            static_cast<std::uint32_t>(kWorkers), /*suspend=*/true);
        registered_.arrive_and_wait();  // a thief picks victims among all registered schedulers
        if (i == 0) {
          job* next = nullptr;
          while (jobs_.pop(next) == boost::fibers::channel_op_status::success) (*next)();
        } else {
          std::unique_lock lock(stop_mutex_);
          stop_.wait(lock, [this] { return stopping_; });
        }
      });
    }
    registered_.wait();
  }

  ~boost_fiber_pool() {
    jobs_.close();
    {
      std::unique_lock lock(stop_mutex_);
      stopping_ = true;
    }
    stop_.notify_all();
    for (auto& t : threads_) t.join();
  }

  // Runs `j` as the main fiber of scheduler thread 0 (it may spawn fibers and block on them);
  // returns once it has run.
  void run(const job& j) {
    std::promise<void> done;
    job wrapped = [&] {
      j();
      done.set_value();
    };
    jobs_.push(&wrapped);
    done.get_future().wait();
  }

 private:
  // A member, not a local of the constructor: a thread may still be inside arrive_and_wait()
  // when the constructor's wait() returns.
  std::latch registered_{static_cast<std::ptrdiff_t>(kWorkers)};
  boost::fibers::buffered_channel<job*> jobs_{2};
  boost::fibers::mutex stop_mutex_;
  boost::fibers::condition_variable stop_;
  bool stopping_ = false;  // guarded by stop_mutex_
  std::vector<std::thread> threads_;
};

// Created on first use; stopped by stop_boost_fiber_peer() before main() returns (at exit
// would be too late: this thread's Boost.Fiber scheduler, a thread-local, is gone by then).
std::unique_ptr<boost_fiber_pool> boost_pool;

boost_fiber_pool& shared_boost_pool() {
  if (boost_pool == nullptr) boost_pool = std::make_unique<boost_fiber_pool>();
  return *boost_pool;
}

using stack_type = boost::fibers::fixedsize_stack;
using result_channel = boost::fibers::buffered_channel<std::int64_t>;

void skynet_boost(stack_type& stacks, result_channel& out, std::int64_t number,
                  std::int64_t size) {
  if (size == 1) {
    out.push(number);
    return;
  }
  result_channel results{16};
  const std::int64_t child_size = size / kSkynetFanOut;
  for (std::int64_t i = 0; i < kSkynetFanOut; ++i) {
    boost::fibers::fiber(boost::fibers::launch::dispatch, std::allocator_arg, stacks,
                         skynet_boost, std::ref(stacks), std::ref(results),
                         number + i * child_size, child_size)
        .detach();
  }
  std::int64_t sum = 0;
  for (std::int64_t i = 0; i < kSkynetFanOut; ++i) sum += results.value_pop();
  out.push(sum);
}

void bm_skynet_boost_fiber(benchmark::State& state) {
  boost_fiber_pool& pool = shared_boost_pool();
  stack_type stacks(64 * 1024);
  for (auto _ : state) {
    std::int64_t sum = 0;
    pool.run([&] {
      result_channel root{2};
      skynet_boost(stacks, root, 0, kSkynetLeaves);
      sum = root.value_pop();
    });
    if (sum != kSkynetSum) state.SkipWithError("wrong sum");
  }
}

}  // namespace

namespace spindle::bench::fiber_bench {

void stop_boost_fiber_peer() { boost_pool.reset(); }

}  // namespace spindle::bench::fiber_bench

BENCHMARK(bm_skynet_boost_fiber)->Unit(benchmark::kMillisecond)->UseRealTime();
