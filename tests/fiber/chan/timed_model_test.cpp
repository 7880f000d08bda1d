// Model tests of the timed channel operations and the timed select: a timeout racing a
// completion, explored by the simulator in sim builds (a random walk, then bounded DFS; the
// timer firing while others still run is an explored choice, so expiry, claim, wake and the
// owner's unlink interleave every way within the bounds), stress-repeated on real threads in
// std and faulty builds. One outcome per operation (CH.CHAN5, CH.SEL3): a value moved exactly when
// both sides report success — a value delivered by a send that reports timed_out, or lost by
// a recv that reports timed_out, fails a check; a double wake fails an assertion in the
// waiter or the executor; a hand-off without happens-before is a data race on a
// twist::shared payload; a party touching a channel freed right after a timed operation
// returned is a use-after-free of simulated memory; a lost wakeup is a deadlock.
#include <chrono>
#include <memory>
#include <optional>

#include <gtest/gtest.h>

#include <spindle/base/config.hpp>
#include <spindle/exec/fast_pool.hpp>
#include <spindle/fiber/chan/channel.hpp>
#include <spindle/fiber/chan/select.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/sync/wait_group.hpp>
#include <spindle/fiber/timer_service.hpp>
#include <spindle/testing/model_check.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/shared.hpp>
#include <spindle/twist/thread.hpp>

#include "model.hpp"
#include "timed_party.hpp"

namespace exec = spindle::exec;
namespace fiber = spindle::fiber;
namespace chan = spindle::fiber::chan;
namespace sim = spindle::sim;
namespace test = spindle::test;
namespace twist = spindle::twist;

using namespace std::chrono_literals;

namespace {

constexpr test::exploration_plan kPlan{.second = sim::strategy::dfs,
                                       .budget = std::chrono::milliseconds(300)};

// A deadline short enough that, in real builds, it races the counterpart for real.
constexpr auto kDeadline = 50us;

using test::timed_party;

// A timed recv races a timed send on an unbuffered channel (both about to give up at the same
// moment): the value moved exactly when both report it; a receiver that got it frees the
// channel at once (the sender may still be in its wake), else the test thread frees it.
void timed_recv_races_timed_send(bool receiver_in_fiber) {
  timed_party receiver(receiver_in_fiber);
  auto* ch = new chan::channel<int>;
  twist::shared<int> payload{0};
  twist::shared<int> received{0};  // 1: got the value, 2: timed out
  twist::shared<bool> freed{false};
  receiver.start([&, ch] {
    const chan::recv_result<int> r = ch->recv_for(kDeadline);
    SPINDLE_VERIFY(r.status != chan::recv_status::closed, "nobody closes the channel");
    SPINDLE_VERIFY(r.value.has_value() == (r.status == chan::recv_status::received),
                   "a value without `received`, or `received` without a value");
    if (r.value) {
      SPINDLE_VERIFY(*r.value == 7, "wrong value");
      SPINDLE_VERIFY(payload.read() == 1, "the sender's write was not published");
      delete ch;  // CH.CHAN4: the sender's last access to the channel was its unlock
      freed.write(true);
    }
    received.write(r.value ? 1 : 2);
  });
  payload.write(1);
  const chan::send_status sent = ch->send_for(7, kDeadline);
  SPINDLE_VERIFY(sent != chan::send_status::closed, "nobody closes the channel");
  receiver.join();
  SPINDLE_VERIFY(received.read() == (sent == chan::send_status::sent ? 1 : 2),
                 "a value moved on one side only: a timeout and a completion both happened");
  if (!freed.read()) delete ch;
}

TEST(ChanTimedModel, FiberTimedRecvRacesTimedSend) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    spindle::testing::model_check(opts, [] { timed_recv_races_timed_send(/*receiver_in_fiber=*/true); });
  }
}

TEST(ChanTimedModel, ThreadTimedRecvRacesTimedSend) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    spindle::testing::model_check(opts, [] { timed_recv_races_timed_send(/*receiver_in_fiber=*/false); });
  }
}

// A timed send (a fiber) on a full one-slot channel; the test thread waits until the sender is
// about to wait, sleeps about its timeout, then takes values with try_recv: the ring's value
// always, the sender's exactly when the send reports `sent` (a timed-out send's value is
// never delivered, a sent one never lost).
TEST(ChanTimedModel, TimedSendRacesRecvAtTheDeadline) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    spindle::testing::model_check(opts, [] {
      timed_party sender(/*in_fiber=*/true);
      chan::channel<int> ch(1);
      SPINDLE_VERIFY(ch.try_send(1) == chan::send_status::sent, "the ring has room");
      twist::atomic<bool> started{false};
      twist::shared<int> status{0};  // 1: sent, 2: timed out
      sender.start([&] {
        started.store(true, std::memory_order_release);  // pairs with the acquire load below
        const chan::send_status s = ch.send_for(2, kDeadline);
        SPINDLE_VERIFY(s != chan::send_status::closed, "nobody closes the channel");
        status.write(s == chan::send_status::sent ? 1 : 2);
      });
      // acquire: pairs with the sender's release store of `started`.
      while (!started.load(std::memory_order_acquire)) twist::this_thread::yield();
      twist::this_thread::sleep_for(kDeadline);
      const chan::recv_result<int> first = ch.try_recv();
      SPINDLE_VERIFY(first.value == std::optional<int>(1), "the buffered value is gone");
      sender.join();
      const chan::recv_result<int> second = ch.try_recv();
      SPINDLE_VERIFY(second.value.has_value() == (status.read() == 1),
                     "a timed-out send's value was delivered, or a sent one lost");
      SPINDLE_VERIFY(!second.value || *second.value == 2, "wrong value");
    });
  }
}

// close() races a timed recv (a fiber) and a timed send (a thread): each reports closed or
// timed_out — or, if they met first, received and sent together.
TEST(ChanTimedModel, CloseRacesTimedRecvAndSend) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    spindle::testing::model_check(opts, [] {
      timed_party receiver(/*in_fiber=*/true);
      chan::channel<int> ch;
      twist::shared<int> got{0};  // 1: received, 2: closed, 3: timed out
      receiver.start([&] {
        const chan::recv_result<int> r = ch.recv_for(kDeadline);
        got.write(r.status == chan::recv_status::received ? 1
                  : r.status == chan::recv_status::closed ? 2
                                                          : 3);
      });
      twist::shared<bool> sent{false};
      twist::thread sender_thread([&] { sent.write(ch.send_for(5, kDeadline) == chan::send_status::sent); });
      ch.close();
      sender_thread.join();
      receiver.join();
      SPINDLE_VERIFY((got.read() == 1) == sent.read(),
                     "received and sent disagree: a value moved on one side only");
      SPINDLE_VERIFY(ch.try_recv().status == chan::recv_status::closed,
                     "a value was left in a closed unbuffered channel");
    });
  }
}

// A timed select over two unbuffered channels races a sender on each: one a plain thread's
// timed send, one a try_send from the test thread at about the deadline. Exactly one case
// completes or none: the select's outcome and the senders' reports agree value for value.
TEST(ChanTimedModel, TimedSelectRacesTwoSenders) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    spindle::testing::model_check(opts, [] {
      timed_party selector(/*in_fiber=*/true);
      chan::channel<int> a;
      chan::channel<int> b;
      twist::shared<int> payload_b{0};
      twist::shared<int> outcome{-1};  // the case index, or 2 for timed out
      twist::atomic<bool> started{false};
      selector.start([&] {
        started.store(true, std::memory_order_release);  // pairs with the acquire load below
        std::optional<int> got;
        const std::size_t which =
            chan::select_for(kDeadline, chan::recv(a, [&](std::optional<int> v) { got = v; }),
                             chan::recv(b, [&](std::optional<int> v) { got = v; }));
        if (which == chan::kTimedOut) {
          SPINDLE_VERIFY(!got, "a timed-out select ran a handler");
          outcome.write(2);
        } else {
          SPINDLE_VERIFY(got == std::optional<int>(static_cast<int>(which) + 1), "wrong case or value");
          if (which == 1) SPINDLE_VERIFY(payload_b.read() == 1, "b's write was not published");
          outcome.write(static_cast<int>(which));
        }
      });
      twist::shared<bool> b_sent{false};
      twist::thread sender_b([&] {
        payload_b.write(1);
        b_sent.write(b.send_for(2, kDeadline) == chan::send_status::sent);
      });
      // acquire: pairs with the selector's release store of `started`.
      while (!started.load(std::memory_order_acquire)) twist::this_thread::yield();
      twist::this_thread::sleep_for(kDeadline);
      const bool a_sent = a.try_send(1) == chan::send_status::sent;
      sender_b.join();
      selector.join();
      SPINDLE_VERIFY(!(a_sent && b_sent.read()), "both cases of one select completed");
      const int expected = a_sent ? 0 : b_sent.read() ? 1 : 2;
      SPINDLE_VERIFY(outcome.read() == expected,
                     "the select's outcome disagrees with what the senders report");
    });
  }
}

// A timed select with a recv and a send case on one channel, against a plain thread's timed
// recv: the select's send case completes exactly when the thread received its value.
TEST(ChanTimedModel, TimedSelectSendCaseRacesTimedRecv) {
  for (const sim::options& opts : test::model_explorations(kPlan)) {
    spindle::testing::model_check(opts, [] {
      timed_party selector(/*in_fiber=*/false);
      auto* ch = new chan::channel<int>;
      twist::shared<int> outcome{-1};
      selector.start([&] {
        const std::size_t which = chan::select_for(
            kDeadline, chan::recv(*ch, [](std::optional<int>) { SPINDLE_VERIFY(false, "nobody sends"); }),
            chan::send(*ch, 3));
        outcome.write(which == chan::kTimedOut ? 2 : static_cast<int>(which));
      });
      const chan::recv_result<int> r = ch->recv_for(kDeadline);
      selector.join();
      SPINDLE_VERIFY(outcome.read() != 0, "the recv case completed");
      SPINDLE_VERIFY((r.status == chan::recv_status::received) == (outcome.read() == 1),
                     "the send case and the recv disagree");
      delete ch;  // both left: nothing may still be queued (the destructor checks)
    });
  }
}

}  // namespace
