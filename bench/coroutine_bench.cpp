// Coroutine life cycle: create + run to completion + destroy, with a stack from a warm pool.
// Reports ns per coroutine and allocations per coroutine (target: 0 after warm-up). The peer
// is a Boost.Context fiber on a pooled_fixedsize_stack doing the same.
#include <cstddef>
#include <utility>

#include <benchmark/benchmark.h>
#include <boost/context/fiber.hpp>
#include <boost/context/pooled_fixedsize_stack.hpp>

#include <spindle/context/stack.hpp>
#include <spindle/context/stack_pool.hpp>
#include <spindle/coro/coroutine.hpp>

#include "allocation_counter.hpp"

namespace {

namespace coro = spindle::coro;
namespace context = spindle::context;
namespace boost_context = boost::context;

// Runs `cycle` once outside the measurement (warm-up), then measures it, reporting allocations
// per iteration as the "allocs/coroutine" counter.
template <class Cycle>
void measure_cycles(benchmark::State& state, Cycle cycle) {
  cycle();
  const std::size_t before = spindle::bench::allocations();
  for (auto _ : state) cycle();
  const std::size_t after = spindle::bench::allocations();
  state.counters["allocs/coroutine"] =
      static_cast<double>(after - before) / static_cast<double>(state.iterations());
}

// Body: runs to completion in one resume.
void bm_coroutine_spindle_pooled(benchmark::State& state) {
  context::stack_pool pool;
  int runs = 0;
  measure_cycles(state, [&] {
    coro::coroutine c(pool, [&runs] { ++runs; });
    c.resume();
  });
  benchmark::DoNotOptimize(runs);
}
BENCHMARK(bm_coroutine_spindle_pooled);

// Body: suspends once, so the cycle is two resumes (four switches).
void bm_coroutine_spindle_pooled_with_suspend(benchmark::State& state) {
  context::stack_pool pool;
  int runs = 0;
  measure_cycles(state, [&] {
    coro::coroutine c(pool, [&runs] {
      coro::suspend();
      ++runs;
    });
    c.resume();
    c.resume();
  });
  benchmark::DoNotOptimize(runs);
}
BENCHMARK(bm_coroutine_spindle_pooled_with_suspend);

void bm_coroutine_boost_fiber_pooled(benchmark::State& state) {
  boost_context::pooled_fixedsize_stack pool(context::stack::default_size);
  int runs = 0;
  measure_cycles(state, [&] {
    boost_context::fiber f(std::allocator_arg, pool, [&runs](boost_context::fiber&& caller) {
      ++runs;
      return std::move(caller);
    });
    f = std::move(f).resume();
  });
  benchmark::DoNotOptimize(runs);
}
BENCHMARK(bm_coroutine_boost_fiber_pooled);

void bm_coroutine_boost_fiber_pooled_with_suspend(benchmark::State& state) {
  boost_context::pooled_fixedsize_stack pool(context::stack::default_size);
  int runs = 0;
  measure_cycles(state, [&] {
    boost_context::fiber f(std::allocator_arg, pool, [&runs](boost_context::fiber&& caller) {
      caller = std::move(caller).resume();
      ++runs;
      return std::move(caller);
    });
    f = std::move(f).resume();
    f = std::move(f).resume();
  });
  benchmark::DoNotOptimize(runs);
}
BENCHMARK(bm_coroutine_boost_fiber_pooled_with_suspend);

}  // namespace
