// Unit tests of the direct hand-off (HANDOFF in fiber/detail/fiber_block.hpp): a fiber that
// wakes another on the same pool and then waits switches straight into it. What must hold:
// values and order as without it, the budget keeps a ping-pong from starving the worker's other
// work, an exception still reaches the failing fiber's own handler, and executors that do not
// allow hand-offs (manual_executor) keep running one fiber step per task.
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/exec/fast_pool.hpp>
#include <spindle/exec/manual_executor.hpp>
#include <spindle/fiber/chan/channel.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/sync/event.hpp>
#include <spindle/fiber/sync/wait_group.hpp>

namespace exec = spindle::exec;
namespace fiber = spindle::fiber;
namespace chan = spindle::fiber::chan;

namespace {

exec::pool_options workers(std::size_t n) {
  exec::pool_options options;
  options.workers = n;
  options.name = "handoff";
  return options;
}

// A token goes round a ring of fibers over unbuffered channels: every hop wakes the next
// fiber and parks, the pattern the hand-off exists for. Each holder adds its number.
void run_ring(std::size_t worker_count) {
  constexpr std::size_t fibers = 10;
  constexpr std::int64_t laps = 500;
  exec::fast_pool pool(workers(worker_count));
  std::vector<std::unique_ptr<chan::channel<std::int64_t>>> links;
  for (std::size_t i = 0; i < fibers; ++i) links.push_back(std::make_unique<chan::channel<std::int64_t>>());
  fiber::sync::wait_group done;
  done.add(fibers);
  std::int64_t final_token = -1;
  for (std::size_t i = 0; i < fibers; ++i) {
    fiber::go(pool, [&, i] {
      chan::channel<std::int64_t>& in = *links[i];
      chan::channel<std::int64_t>& out = *links[(i + 1) % fibers];
      for (std::int64_t lap = 0; lap < laps; ++lap) {
        if (i == 0 && lap == 0) {
          ASSERT_EQ(out.send(0), chan::send_status::sent);
          continue;
        }
        std::optional<std::int64_t> token = in.recv();
        ASSERT_TRUE(token.has_value());
        ASSERT_EQ(out.send(*token + static_cast<std::int64_t>(i)), chan::send_status::sent);
      }
      if (i == 0) final_token = *in.recv();
      done.done();
    });
  }
  done.wait();
  // Each lap adds 0 + 1 + ... + 9 = 45.
  EXPECT_EQ(final_token, laps * 45);
}

TEST(HandOff, RingOfFibersOnOneWorker) { run_ring(1); }

TEST(HandOff, RingOfFibersOnTwoWorkers) { run_ring(2); }

// Two fibers ping-pong forever on a one-worker pool until a plain task, submitted from outside,
// tells them to stop. Without the hand-off budget the step would never return to the pool and
// the task would never run (the test would hang).
TEST(HandOff, BudgetLetsTheWorkersOtherTasksRun) {
  exec::fast_pool pool(workers(1));
  chan::channel<int> ping;
  chan::channel<int> pong;
  std::atomic<bool> stop{false};
  std::atomic<std::int64_t> rounds{0};
  fiber::sync::wait_group done;
  done.add(2);
  fiber::go(pool, [&] {
    while (!stop.load()) {
      ASSERT_EQ(ping.send(1), chan::send_status::sent);
      ASSERT_TRUE(pong.recv().has_value());
      rounds.fetch_add(1);
    }
    ping.close();
    done.done();
  });
  fiber::go(pool, [&] {
    while (std::optional<int> v = ping.recv()) ASSERT_EQ(pong.send(*v), chan::send_status::sent);
    done.done();
  });
  while (rounds.load() < 1000) std::this_thread::yield();  // the ping-pong is under way
  exec::submit(pool, [&] { stop.store(true); });
  done.wait();
  EXPECT_TRUE(stop.load());
}

// The fiber that came back to the worker after a chain of hand-offs is the one whose exception
// is reported: the receiver throws right after the sender handed it the value.
std::string failed_name;  // written by the handler, read after the pool is idle

void record_failure(const fiber::failure& f) noexcept { failed_name = std::string(f.name); }

TEST(HandOff, AnExceptionReachesTheFailingFibersHandler) {
  failed_name.clear();
  {
    exec::fast_pool pool(workers(1));
    chan::channel<int> ch;
    fiber::sync::event sent;
    fiber::options receiver_opts;
    receiver_opts.name = "receiver";
    receiver_opts.on_failure = &record_failure;
    fiber::go(pool, [&] {
      (void)ch.recv();
      throw std::runtime_error("after the hand-off");
    }, receiver_opts);
    fiber::options sender_opts;
    sender_opts.name = "sender";
    fiber::go(pool, [&] {
      ASSERT_EQ(ch.send(1), chan::send_status::sent);
      sent.wait();  // parks: the receiver runs by hand-off and throws
    }, sender_opts);
    pool.wait_idle();
    EXPECT_EQ(failed_name, "receiver");
    sent.fire();
    pool.wait_idle();
  }
  EXPECT_EQ(failed_name, "receiver");
}

// A manual executor runs exactly one fiber step per run_next(), hand-off or not: the woken
// fiber is queued.
TEST(HandOff, ManualExecutorRunsOneStepPerTask) {
  exec::manual_executor manual;
  fiber::sync::event go_on;
  fiber::sync::event parked_again;
  int stage = 0;
  fiber::go(manual, [&] {
    go_on.wait();
    stage = 2;
  });
  fiber::go(manual, [&] {
    stage = 1;
    go_on.fire();         // wakes the first fiber: queued, not run here
    parked_again.wait();  // parks; with a hand-off the first fiber would run now
  });
  ASSERT_TRUE(manual.run_next());  // the first fiber parks on go_on
  ASSERT_TRUE(manual.run_next());  // the second fires and parks
  EXPECT_EQ(stage, 1);
  EXPECT_EQ(manual.size(), 1u);
  ASSERT_TRUE(manual.run_next());
  EXPECT_EQ(stage, 2);
  parked_again.fire();
  manual.drain();
}

}  // namespace
