// Helpers for the tests of timed waits (fiber::sync's and the channels'): run a body on the
// test thread and in a fiber that has a timer service (a fiber's timed wait needs one), on a
// two-worker fast pool.
#pragma once

#include <cstddef>
#include <type_traits>

#include <spindle/exec/fast_pool.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/sync/wait_group.hpp>
#include <spindle/fiber/timer_service.hpp>

#include "stress.hpp"

namespace spindle::test {

inline exec::pool_options timed_test_pool() {
  exec::pool_options options;
  options.workers = 2;
  options.name = "timed-test";
  return options;
}

// Runs `body` in a fiber on a two-worker pool with a timer service and waits for it.
template <class Body>
void in_fiber(Body body) {
  fiber::timer_service timers;
  exec::fast_pool pool(timed_test_pool());
  fiber::options opts;
  opts.timers = &timers;
  fiber::sync::wait_group done;
  done.add(1);
  fiber::go(pool, [&] {
    body();
    done.done();
  }, opts);
  done.wait();
  timers.stop();
  pool.stop();
}

// Runs `body` on the test thread, then in a fiber.
template <class Body>
void on_thread_and_in_fiber(Body body) {
  body();
  in_fiber(body);
}

// The stress form: `body` (given the iteration number, if it takes one) up to `iterations`
// times within the stress budget on the test thread, then as many times in a fiber.
template <class Body>
void on_thread_and_in_fiber(std::size_t iterations, Body body) {
  const auto run = [&](std::size_t i) {
    if constexpr (std::is_invocable_v<Body&, std::size_t>) {
      body(i);
    } else {
      body();
    }
  };
  repeat_within_budget(iterations, run);
  in_fiber([&] { repeat_within_budget(iterations, run); });
}

}  // namespace spindle::test
