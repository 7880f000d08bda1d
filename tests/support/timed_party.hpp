// The timed party of a model test of timed waits: the code under test runs in a fiber (on a
// one-worker pool with a timer service, which a fiber's timed wait needs) or on a plain thread
// (whose timed wait is a futex wait with a timeout), so one test body covers both.
#pragma once

#include <memory>
#include <optional>

#include <spindle/exec/fast_pool.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/sync/wait_group.hpp>
#include <spindle/fiber/timer_service.hpp>
#include <spindle/twist/thread.hpp>

#include "model.hpp"

namespace spindle::test {

class timed_party {
 public:
  explicit timed_party(bool in_fiber) {
    if (in_fiber) fibers_.emplace();  // a plain-thread party starts no pool and no timers
  }

  timed_party(const timed_party&) = delete;
  timed_party& operator=(const timed_party&) = delete;

  // Runs `body` in the party (once per party).
  template <class Body>
  void start(Body body) {
    if (fibers_) {
      fibers_->done.add(1);
      fiber::options opts;
      opts.timers = &fibers_->timers;
      fiber::go(fibers_->pool, [this, body] {
        body();
        fibers_->done.done();
      }, opts);
    } else {
      thread_ = std::make_unique<twist::thread>(body);
    }
  }

  // Waits until `body` has returned.
  void join() {
    if (fibers_) {
      fibers_->done.wait();
    } else {
      thread_->join();
    }
  }

  ~timed_party() {
    if (fibers_) {
      fibers_->timers.stop();
      fibers_->pool.stop();
    }
  }

 private:
  struct fiber_side {
    // A constructor, not a default member initializer: clang cannot use those of a nested
    // class before the enclosing one is complete (the optional's emplace() asks).
    fiber_side() : pool(model_pool(1)) {}
    fiber::timer_service timers;
    exec::fast_pool pool;
    fiber::sync::wait_group done;
  };

  std::optional<fiber_side> fibers_;
  std::unique_ptr<twist::thread> thread_;
};

}  // namespace spindle::test
