// Model tests of channels and select: explored by the simulator in sim builds (random and PCT
// schedules; the fast pool's workers park and steal), stress-repeated on real threads in std
// and faulty builds. A lost wakeup shows up as a deadlock, a value handed over without
// happens-before as a data race on a twist::shared payload, a select that leaves a waiter on a
// freed stack as a use-after-free of simulated memory, a double completion as a failed check.
#include <memory>
#include <optional>

#include <gtest/gtest.h>

#include <spindle/base/config.hpp>
#include <spindle/exec/fast_pool.hpp>
#include <spindle/fiber/chan/channel.hpp>
#include <spindle/fiber/chan/select.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/sync/event.hpp>
#include <spindle/fiber/sync/wait_group.hpp>
#include <spindle/testing/model_check.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/shared.hpp>
#include <spindle/twist/thread.hpp>

#include "model.hpp"

namespace exec = spindle::exec;
namespace fiber = spindle::fiber;
namespace chan = spindle::fiber::chan;
namespace sim = spindle::sim;
namespace test = spindle::test;
namespace twist = spindle::twist;

namespace {

// A fiber hands plain memory to a plain thread through an unbuffered channel, and back: the
// channel is the only synchronization, so a hand-off without happens-before is a data race.
// The channel is freed by the thread right after its last recv.
TEST(ChanModel, UnbufferedHandOff) {
  for (const sim::options& opts : test::model_explorations(test::fiber_plan)) {
    spindle::testing::model_check(opts, [] {
      exec::fast_pool pool(test::model_pool());
      auto ch = std::make_unique<chan::channel<int>>();
      chan::channel<int>* raw = ch.get();
      twist::shared<int> payload{0};
      fiber::sync::event fiber_done;
      fiber::go(pool, [&, raw] {
        payload.write(1);
        SPINDLE_VERIFY(raw->send(10) == chan::send_status::sent, "send failed");
        fiber_done.fire();
      });
      std::optional<int> got = ch->recv();
      SPINDLE_VERIFY(got == std::optional<int>(10), "wrong value");
      SPINDLE_VERIFY(payload.read() == 1, "the sender's write was not published");
      ch.reset();
      fiber_done.wait();
      pool.stop();
    });
  }
}

// close() races a blocked or arriving send and recv on a one-slot channel. Whatever the
// interleaving: every value the receiver got was reported `sent`, and every `sent` value is
// received (the receiver drains until closed).
TEST(ChanModel, CloseRacesSendAndRecv) {
  for (const sim::options& opts : test::model_explorations(test::fiber_plan)) {
    spindle::testing::model_check(opts, [] {
      exec::fast_pool pool(test::model_pool());
      chan::channel<int> ch(1);
      twist::atomic<int> sent{0};
      fiber::sync::wait_group group;
      group.add(2);
      fiber::go(pool, [&] {
        for (int i = 0; i < 2; ++i) {
          if (ch.send(int{i}) == chan::send_status::sent) sent.fetch_add(1);
        }
        group.done();
      });
      fiber::go(pool, [&] {
        ch.close();
        group.done();
      });
      int received = 0;
      while (ch.recv()) ++received;
      group.wait();
      SPINDLE_VERIFY(received == sent.load(), "a value was lost or invented around close()");
      pool.stop();
    });
  }
}

// A select over two unbuffered channels, with one sender on each (a fiber and a thread).
// Exactly one case completes; the other value is then received with a plain recv. The losing
// case's waiter must be gone before select returns (the select's frame is reused after).
TEST(ChanModel, SelectOverTwoChannelsWithASenderOnEach) {
  for (const sim::options& opts : test::model_explorations(test::fiber_plan)) {
    spindle::testing::model_check(opts, [] {
      exec::fast_pool pool(test::model_pool());
      chan::channel<int> a;
      chan::channel<int> b;
      twist::shared<int> payload_a{0};
      twist::shared<int> payload_b{0};
      fiber::sync::event fiber_done;
      fiber::go(pool, [&] {
        payload_a.write(1);
        SPINDLE_VERIFY(a.send(1) == chan::send_status::sent, "send on a failed");
        fiber_done.fire();
      });
      twist::thread thread([&] {
        payload_b.write(2);
        SPINDLE_VERIFY(b.send(2) == chan::send_status::sent, "send on b failed");
      });
      std::optional<int> got;
      const std::size_t which = chan::select(chan::recv(a, [&](std::optional<int> v) { got = v; }),
                                             chan::recv(b, [&](std::optional<int> v) { got = v; }));
      SPINDLE_VERIFY(got == std::optional<int>(static_cast<int>(which) + 1), "wrong case or value");
      SPINDLE_VERIFY((which == 0 ? payload_a.read() : payload_b.read()) == static_cast<int>(which) + 1,
                     "the winner's payload was not published");
      std::optional<int> rest = (which == 0 ? b : a).recv();
      SPINDLE_VERIFY(rest == std::optional<int>(which == 0 ? 2 : 1), "the other value was lost");
      thread.join();
      fiber_done.wait();
      pool.stop();
    });
  }
}

// Two selects over the same two unbuffered channels, cases in opposite order and roles
// swapped: each can complete only against the other, through a or through b. Both must
// complete (no deadlock: locks by address) and agree on which channel it was.
TEST(ChanModel, OppositeSelectsMeet) {
  for (const sim::options& opts : test::model_explorations(test::fiber_plan)) {
    spindle::testing::model_check(opts, [] {
      exec::fast_pool pool(test::model_pool());
      chan::channel<int> a;
      chan::channel<int> b;
      twist::atomic<int> fiber_case{-1};
      fiber::sync::event fiber_done;
      fiber::go(pool, [&] {
        const std::size_t which = chan::select(chan::recv(b, [](std::optional<int> v) {
                                                 SPINDLE_VERIFY(v == std::optional<int>(1), "wrong value on b");
                                               }),
                                               chan::send(a, 2));
        fiber_case.store(static_cast<int>(which));
        fiber_done.fire();
      });
      const std::size_t which = chan::select(chan::send(b, 1), chan::recv(a, [](std::optional<int> v) {
                                               SPINDLE_VERIFY(v == std::optional<int>(2), "wrong value on a");
                                             }));
      fiber_done.wait();
      // Ours: 0 = sent on b, 1 = received on a. The fiber's: 0 = received on b, 1 = sent on a.
      SPINDLE_VERIFY(static_cast<int>(which) == fiber_case.load(), "the two selects disagree");
      pool.stop();
    });
  }
}

// close() races a select blocked (or arriving) on a recv case and a send case of the same
// channel, with a plain receiver also around. The select completes exactly once; a `sent`
// from the select means the receiver got its value.
TEST(ChanModel, CloseRacesSelect) {
  for (const sim::options& opts : test::model_explorations(test::fiber_plan)) {
    spindle::testing::model_check(opts, [] {
      exec::fast_pool pool(test::model_pool());
      chan::channel<int> ch;
      chan::channel<int> never;
      twist::atomic<int> select_sent{0};
      twist::atomic<int> completions{0};
      fiber::sync::wait_group group;
      group.add(2);
      fiber::go(pool, [&] {
        chan::select(chan::recv(never, [&](std::optional<int> v) {
                       SPINDLE_VERIFY(!v, "nobody sends on `never`");
                       completions.fetch_add(1);
                     }),
                     chan::send(ch, 7, [&](chan::send_status s) {
                       if (s == chan::send_status::sent) select_sent.store(1);
                       completions.fetch_add(1);
                     }));
        group.done();
      });
      fiber::go(pool, [&] {
        ch.close();
        never.close();
        group.done();
      });
      const std::optional<int> got = ch.recv();
      group.wait();
      SPINDLE_VERIFY(completions.load() == 1, "the select completed other than once");
      SPINDLE_VERIFY(got.has_value() == (select_sent.load() == 1), "sent and received disagree");
      pool.stop();
    });
  }
}

}  // namespace
