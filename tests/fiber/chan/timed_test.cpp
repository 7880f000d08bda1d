// Unit tests of the timed channel operations and the timed select: send_until / send_for,
// recv_until / recv_for, select_until / select_for (variadic and run-time) — each from a
// plain thread and from a fiber (a fast pool with a timer service): a timeout fires when
// nobody comes, a ready operation completes without waiting, a passed deadline acts like
// try_*, a counterpart or close() arriving before the deadline ends the wait, a timed-out
// send keeps its value, and a timed-out party leaves no waiter behind in the channel (checked
// by a try_send / try_recv that finds nobody waiting).
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include <spindle/exec/fast_pool.hpp>
#include <spindle/exec/manual_executor.hpp>
#include <spindle/fiber/chan/channel.hpp>
#include <spindle/fiber/chan/select.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/sync/wait_group.hpp>
#include <spindle/fiber/timer_service.hpp>
#include <spindle/twist/clock.hpp>

#include "timed_fiber.hpp"

namespace exec = spindle::exec;
namespace fiber = spindle::fiber;
namespace chan = spindle::fiber::chan;
namespace test = spindle::test;
namespace twist = spindle::twist;

using namespace std::chrono_literals;

namespace {

// Long enough that "completed before the deadline" cannot be a timeout on a loaded machine.
constexpr auto kLong = 10s;
constexpr auto kShort = 20ms;
// How long a helper thread waits before it acts, so that the timed party is (usually) parked.
constexpr auto kLater = 30ms;

using test::in_fiber;
using test::on_thread_and_in_fiber;

twist::steady_clock::time_point past() { return twist::steady_clock::now() - 1s; }

// ---- recv ----

TEST(ChanTimed, RecvTimesOutOnAnEmptyChannelAndLeavesNoReceiver) {
  on_thread_and_in_fiber([] {
    chan::channel<int> ch;  // unbuffered: a stale receiver node would take a try_send
    const auto start = twist::steady_clock::now();
    const chan::recv_result<int> r = ch.recv_for(kShort);
    EXPECT_GE(twist::steady_clock::now() - start, kShort);
    EXPECT_EQ(r.status, chan::recv_status::timed_out);
    EXPECT_FALSE(r.value.has_value());
    EXPECT_EQ(ch.try_send(1), chan::send_status::full) << "the timed-out receiver is still queued";
  });
}

TEST(ChanTimed, RecvUntilOnABufferedChannel) {
  on_thread_and_in_fiber([] {
    chan::channel<int> ch(2);
    EXPECT_EQ(ch.recv_until(twist::steady_clock::now() + kShort).status,
              chan::recv_status::timed_out);
    ASSERT_EQ(ch.send(7), chan::send_status::sent);
    const chan::recv_result<int> r = ch.recv_until(twist::steady_clock::now() + kShort);
    EXPECT_EQ(r.status, chan::recv_status::received);
    EXPECT_EQ(r.value, std::optional<int>(7));
  });
}

TEST(ChanTimed, ReadyRecvCompletesWithoutWaitingEvenWithAPassedDeadline) {
  on_thread_and_in_fiber([] {
    chan::channel<int> ch(1);
    ASSERT_EQ(ch.send(3), chan::send_status::sent);
    const auto start = twist::steady_clock::now();
    const chan::recv_result<int> r = ch.recv_until(past());
    EXPECT_EQ(r.status, chan::recv_status::received);
    EXPECT_EQ(r.value, std::optional<int>(3));
    EXPECT_LT(twist::steady_clock::now() - start, kLong);
  });
}

TEST(ChanTimed, PassedDeadlineRecvActsLikeTryRecv) {
  on_thread_and_in_fiber([] {
    chan::channel<int> ch;
    EXPECT_EQ(ch.recv_until(past()).status, chan::recv_status::timed_out);
    EXPECT_EQ(ch.recv_for(0ms).status, chan::recv_status::timed_out);
    EXPECT_EQ(ch.recv_for(-5ms).status, chan::recv_status::timed_out);
    EXPECT_EQ(ch.try_send(1), chan::send_status::full) << "a passed-deadline recv queued itself";
    ch.close();
    EXPECT_EQ(ch.recv_for(0ms).status, chan::recv_status::closed);
  });
}

TEST(ChanTimed, RecvGetsAValueSentBeforeTheDeadline) {
  on_thread_and_in_fiber([] {
    chan::channel<std::string> ch;
    std::thread sender([&] {
      std::this_thread::sleep_for(kLater);
      EXPECT_EQ(ch.send(std::string("late but in time")), chan::send_status::sent);
    });
    const chan::recv_result<std::string> r = ch.recv_for(kLong);
    sender.join();
    EXPECT_EQ(r.status, chan::recv_status::received);
    EXPECT_EQ(r.value, std::optional<std::string>("late but in time"));
  });
}

TEST(ChanTimed, CloseDuringATimedRecvReportsClosed) {
  on_thread_and_in_fiber([] {
    chan::channel<int> ch;
    std::thread closer([&] {
      std::this_thread::sleep_for(kLater);
      ch.close();
    });
    const auto start = twist::steady_clock::now();
    const chan::recv_result<int> r = ch.recv_for(kLong);
    closer.join();
    EXPECT_EQ(r.status, chan::recv_status::closed);
    EXPECT_FALSE(r.value.has_value());
    EXPECT_LT(twist::steady_clock::now() - start, kLong);
  });
}

TEST(ChanTimed, ClosedChannelDrainsThenReportsClosed) {
  on_thread_and_in_fiber([] {
    chan::channel<int> ch(1);
    ASSERT_EQ(ch.send(1), chan::send_status::sent);
    ch.close();
    EXPECT_EQ(ch.recv_for(kLong).value, std::optional<int>(1));
    EXPECT_EQ(ch.recv_for(kLong).status, chan::recv_status::closed);
    EXPECT_EQ(ch.send_for(2, kLong), chan::send_status::closed);
  });
}

// ---- send ----

TEST(ChanTimed, SendTimesOutOnAFullChannelAndKeepsTheValue) {
  on_thread_and_in_fiber([] {
    chan::channel<std::unique_ptr<int>> ch(1);
    ASSERT_EQ(ch.send(std::make_unique<int>(1)), chan::send_status::sent);  // full now
    auto value = std::make_unique<int>(2);
    const auto start = twist::steady_clock::now();
    EXPECT_EQ(ch.send_for(std::move(value), kShort), chan::send_status::timed_out);
    EXPECT_GE(twist::steady_clock::now() - start, kShort);
    ASSERT_NE(value, nullptr) << "a timed-out send moved from its value";
    EXPECT_EQ(*value, 2);
    std::optional<std::unique_ptr<int>> first = ch.recv();
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(**first, 1);
    EXPECT_EQ(ch.try_recv().status, chan::recv_status::empty) << "the timed-out value was sent";
  });
}

TEST(ChanTimed, UnbufferedSendTimesOutAndLeavesNoSender) {
  on_thread_and_in_fiber([] {
    chan::channel<int> ch;
    EXPECT_EQ(ch.send_until(5, twist::steady_clock::now() + kShort), chan::send_status::timed_out);
    EXPECT_EQ(ch.try_recv().status, chan::recv_status::empty) << "the timed-out sender is queued";
  });
}

TEST(ChanTimed, CopyingSendForLeavesTheOriginal) {
  on_thread_and_in_fiber([] {
    chan::channel<std::string> ch;
    const std::string original = "kept";
    EXPECT_EQ(ch.send_for(original, kShort), chan::send_status::timed_out);
    EXPECT_EQ(original, "kept");
    EXPECT_EQ(ch.send_until(original, past()), chan::send_status::timed_out);
  });
}

TEST(ChanTimed, ReadySendCompletesWithoutWaitingEvenWithAPassedDeadline) {
  on_thread_and_in_fiber([] {
    chan::channel<int> ch(1);
    EXPECT_EQ(ch.send_until(4, past()), chan::send_status::sent);
    EXPECT_EQ(ch.send_for(5, 0ms), chan::send_status::timed_out) << "the ring is full";
    EXPECT_EQ(ch.recv(), std::optional<int>(4));
    EXPECT_EQ(ch.try_recv().status, chan::recv_status::empty);
  });
}

TEST(ChanTimed, PassedDeadlineSendMeetsAWaitingReceiver) {
  on_thread_and_in_fiber([] {
    chan::channel<int> ch;
    std::optional<int> got;
    std::thread receiver([&] { got = ch.recv(); });
    // Retry until the receiver is queued: each passed-deadline send is a try_send.
    chan::send_status status = chan::send_status::timed_out;
    while ((status = ch.send_for(9, 0ms)) == chan::send_status::timed_out) std::this_thread::yield();
    receiver.join();
    EXPECT_EQ(status, chan::send_status::sent);
    EXPECT_EQ(got, std::optional<int>(9));
  });
}

TEST(ChanTimed, SendIsTakenByAReceiverBeforeTheDeadline) {
  on_thread_and_in_fiber([] {
    chan::channel<std::unique_ptr<int>> ch;
    std::optional<std::unique_ptr<int>> got;
    std::thread receiver([&] {
      std::this_thread::sleep_for(kLater);
      got = ch.recv();
    });
    auto value = std::make_unique<int>(11);
    EXPECT_EQ(ch.send_for(std::move(value), kLong), chan::send_status::sent);
    receiver.join();
    EXPECT_EQ(value, nullptr) << "a sent value was not moved out";
    ASSERT_TRUE(got.has_value() && *got != nullptr);
    EXPECT_EQ(**got, 11);
  });
}

TEST(ChanTimed, CloseDuringATimedSendReportsClosedAndKeepsTheValue) {
  on_thread_and_in_fiber([] {
    chan::channel<std::unique_ptr<int>> ch;
    std::thread closer([&] {
      std::this_thread::sleep_for(kLater);
      ch.close();
    });
    auto value = std::make_unique<int>(12);
    EXPECT_EQ(ch.send_for(std::move(value), kLong), chan::send_status::closed);
    closer.join();
    ASSERT_NE(value, nullptr);
    EXPECT_EQ(*value, 12);
  });
}

// A timed-out sender ahead of another in the queue: the receiver gets the other's value.
TEST(ChanTimed, TimedOutSendersAreSkippedInFifoOrder) {
  on_thread_and_in_fiber([] {
    chan::channel<int> ch;
    chan::send_status second = chan::send_status::full;
    std::thread patient([&] {
      std::this_thread::sleep_for(kShort / 2);  // usually queued behind the timed one
      second = ch.send_for(2, kLong);
    });
    EXPECT_EQ(ch.send_for(1, kShort), chan::send_status::timed_out);
    EXPECT_EQ(ch.recv(), std::optional<int>(2)) << "the timed-out sender's value was delivered";
    patient.join();
    EXPECT_EQ(second, chan::send_status::sent);
  });
}

TEST(ChanTimed, ReadyOperationsNeedNoTimerService) {
  exec::manual_executor manual;  // and no options::timers
  chan::channel<int> ch(1);
  chan::recv_result<int> r{chan::recv_status::empty, std::nullopt};
  fiber::go(manual, [&] {
    EXPECT_EQ(ch.send_for(1, kLong), chan::send_status::sent);
    r = ch.recv_for(kLong);
  });
  manual.drain();
  EXPECT_EQ(r.value, std::optional<int>(1));
}

// ---- select ----

TEST(ChanTimedSelect, TimesOutWhenNothingIsReadyAndRunsNoHandler) {
  on_thread_and_in_fiber([] {
    chan::channel<int> in;   // unbuffered, nobody sends
    chan::channel<int> out;  // unbuffered, nobody receives
    const auto start = twist::steady_clock::now();
    const std::size_t which = chan::select_for(
        kShort, chan::recv(in, [](std::optional<int>) { ADD_FAILURE() << "recv case ran"; }),
        chan::send(out, 1, [] { ADD_FAILURE() << "send case ran"; }));
    EXPECT_GE(twist::steady_clock::now() - start, kShort);
    EXPECT_EQ(which, chan::kTimedOut);
    EXPECT_EQ(in.try_send(1), chan::send_status::full) << "the recv case's node is still queued";
    EXPECT_EQ(out.try_recv().status, chan::recv_status::empty) << "the send case's value went out";
  });
}

TEST(ChanTimedSelect, AReadyCaseCompletesWithAPassedDeadline) {
  on_thread_and_in_fiber([] {
    chan::channel<int> empty;
    chan::channel<int> ready(1);
    ASSERT_EQ(ready.send(6), chan::send_status::sent);
    std::optional<int> got;
    const std::size_t which = chan::select_until(
        past(), chan::recv(empty, [](std::optional<int>) { ADD_FAILURE(); }),
        chan::recv(ready, [&](std::optional<int> v) { got = v; }));
    EXPECT_EQ(which, 1u);
    EXPECT_EQ(got, std::optional<int>(6));
    EXPECT_EQ(chan::select_until(past(), chan::recv(empty, [](std::optional<int>) {})),
              chan::kTimedOut);
    EXPECT_EQ(empty.try_send(1), chan::send_status::full) << "a passed-deadline select queued";
  });
}

TEST(ChanTimedSelect, ACaseCompletingBeforeTheDeadlineWins) {
  on_thread_and_in_fiber([] {
    chan::channel<int> a;
    chan::channel<int> b;
    std::thread sender([&] {
      std::this_thread::sleep_for(kLater);
      EXPECT_EQ(b.send(8), chan::send_status::sent);
    });
    std::optional<int> got;
    const std::size_t which = chan::select_for(
        kLong, chan::recv(a, [](std::optional<int>) { ADD_FAILURE() << "nobody sends on a"; }),
        chan::recv(b, [&](std::optional<int> v) { got = v; }));
    sender.join();
    EXPECT_EQ(which, 1u);
    EXPECT_EQ(got, std::optional<int>(8));
    EXPECT_EQ(a.try_send(1), chan::send_status::full) << "the losing case is still queued";
  });
}

TEST(ChanTimedSelect, CloseBeforeTheDeadlineCompletesTheCase) {
  on_thread_and_in_fiber([] {
    chan::channel<int> ch;
    std::thread closer([&] {
      std::this_thread::sleep_for(kLater);
      ch.close();
    });
    bool closed_seen = false;
    const std::size_t which = chan::select_for(
        kLong, chan::send(ch, 1, [&](chan::send_status s) { closed_seen = s == chan::send_status::closed; }));
    closer.join();
    EXPECT_EQ(which, 0u);
    EXPECT_TRUE(closed_seen);
  });
}

TEST(ChanTimedSelect, DefaultCaseWinsOverTheDeadline) {
  on_thread_and_in_fiber([] {
    chan::channel<int> empty;
    EXPECT_EQ(chan::select_until(past(), chan::recv(empty, [](std::optional<int>) {}),
                                 chan::default_case()),
              1u);
    EXPECT_EQ(chan::select_for(kLong, chan::recv(empty, [](std::optional<int>) {}),
                               chan::default_case()),
              1u);
  });
}

TEST(ChanTimedSelect, EveryCaseOffWaitsOutTheDeadline) {
  on_thread_and_in_fiber([] {
    chan::channel<int>* nil = nullptr;
    const auto start = twist::steady_clock::now();
    EXPECT_EQ(chan::select_for(kShort, chan::recv(nil, [](std::optional<int>) {})), chan::kTimedOut);
    EXPECT_GE(twist::steady_clock::now() - start, kShort);
  });
}

TEST(ChanTimedSelect, RunTimeCaseList) {
  on_thread_and_in_fiber([] {
    chan::channel<int> a;
    chan::channel<int> b(1);
    auto recv_a = chan::recv(a, [](std::optional<int>) { ADD_FAILURE(); });
    auto send_a = chan::send(a, 1, [] { ADD_FAILURE(); });
    chan::select_case* cases[] = {&recv_a, &send_a};
    EXPECT_EQ(chan::select_for(kShort, std::span<chan::select_case* const>(cases)), chan::kTimedOut);
    EXPECT_EQ(a.try_send(1), chan::send_status::full);

    ASSERT_EQ(b.send(2), chan::send_status::sent);
    std::optional<int> got;
    auto recv_b = chan::recv(b, [&](std::optional<int> v) { got = v; });
    chan::select_case* more[] = {&recv_a, &recv_b};
    chan::select_case* poll[2];
    chan::select_case* lock_order[2];
    EXPECT_EQ(chan::select_until(twist::steady_clock::now() + kLong,
                                 std::span<chan::select_case* const>(more), poll, lock_order),
              1u);
    EXPECT_EQ(got, std::optional<int>(2));
  });
}

TEST(ChanTimedSelect, TimedOutSelectIsSkippedByALaterSender) {
  on_thread_and_in_fiber([] {
    chan::channel<int> ch;
    std::optional<int> plain;
    std::thread receiver([&] {
      std::this_thread::sleep_for(kShort / 2);  // usually queued behind the select
      plain = ch.recv();
    });
    EXPECT_EQ(chan::select_for(kShort, chan::recv(ch, [](std::optional<int>) { ADD_FAILURE(); })),
              chan::kTimedOut);
    EXPECT_EQ(ch.send(5), chan::send_status::sent);
    receiver.join();
    EXPECT_EQ(plain, std::optional<int>(5)) << "the value went to the timed-out select";
  });
}

}  // namespace
