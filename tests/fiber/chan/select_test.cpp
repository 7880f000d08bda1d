// Unit tests of fiber::chan::select: readiness, default, blocking, fairness, duplicate
// channels, close during a select, and that a select leaves no waiter behind in the channels
// whose cases lost (checked by a try_send/try_recv finding nobody waiting).
#include <optional>
#include <thread>

#include <gtest/gtest.h>

#include <spindle/exec/manual_executor.hpp>
#include <spindle/fiber/chan/channel.hpp>
#include <spindle/fiber/chan/select.hpp>
#include <spindle/fiber/fiber.hpp>

namespace exec = spindle::exec;
namespace fiber = spindle::fiber;
namespace chan = spindle::fiber::chan;

namespace {

constexpr std::size_t not_yet = 99;

TEST(Select, DefaultRunsWhenNothingIsReady) {
  chan::channel<int> empty(1);
  chan::channel<int> nobody_receives;  // unbuffered, no receiver
  bool default_ran = false;
  const std::size_t which = chan::select(
      chan::recv(empty, [](std::optional<int>) { FAIL() << "recv case on an empty channel ran"; }),
      chan::send(nobody_receives, 1, [] { FAIL() << "send case without a receiver ran"; }),
      chan::default_case([&] { default_ran = true; }));
  EXPECT_EQ(which, 2u);
  EXPECT_TRUE(default_ran);
  EXPECT_EQ(empty.try_recv().status, chan::recv_status::empty);
}

TEST(Select, OnlyADefaultCase) { EXPECT_EQ(chan::select(chan::default_case()), 0u); }

TEST(Select, AReadyCaseWinsOverDefault) {
  chan::channel<int> ready(1);
  ASSERT_EQ(ready.send(5), chan::send_status::sent);
  std::optional<int> got;
  const std::size_t which = chan::select(chan::default_case([] { FAIL() << "default ran"; }),
                                         chan::recv(ready, [&](std::optional<int> v) { got = v; }));
  EXPECT_EQ(which, 1u);  // positions count the default case too
  EXPECT_EQ(got, std::optional<int>(5));
}

TEST(Select, BlocksUntilARecvCaseIsReadyAndLeavesNoWaiterBehind) {
  exec::manual_executor manual;
  chan::channel<int> a;
  chan::channel<int> b;
  std::size_t which = not_yet;
  std::optional<int> got;
  fiber::go(manual, [&] {
    which = chan::select(chan::recv(a, [&](std::optional<int> v) { got = v; }),
                         chan::recv(b, [&](std::optional<int> v) { got = v; }));
  });
  manual.drain();
  EXPECT_EQ(which, not_yet);
  EXPECT_EQ(b.try_send(5), chan::send_status::sent);  // the select's receiver on b takes it
  manual.drain();
  EXPECT_EQ(which, 1u);
  EXPECT_EQ(got, std::optional<int>(5));
  EXPECT_EQ(a.try_send(6), chan::send_status::full) << "the losing case still waits on a";
  EXPECT_EQ(b.try_send(7), chan::send_status::full);
}

TEST(Select, BlocksUntilASendCaseIsReady) {
  exec::manual_executor manual;
  chan::channel<int> out;
  chan::channel<int> in;
  std::size_t which = not_yet;
  chan::send_status status = chan::send_status::full;
  fiber::go(manual, [&] {
    which = chan::select(chan::send(out, 9, [&](chan::send_status s) { status = s; }),
                         chan::recv(in, [](std::optional<int>) { FAIL() << "nobody sent"; }));
  });
  manual.drain();
  EXPECT_EQ(which, not_yet);
  chan::recv_result<int> got = out.try_recv();
  EXPECT_EQ(got.value, std::optional<int>(9));
  manual.drain();
  EXPECT_EQ(which, 0u);
  EXPECT_EQ(status, chan::send_status::sent);
  EXPECT_EQ(in.try_send(1), chan::send_status::full) << "the losing recv case still waits";
  EXPECT_EQ(out.try_recv().status, chan::recv_status::empty);
}

TEST(Select, ChoosesUniformlyAmongReadyCases) {
  // Two channels that are always ready: each must win about half of 2000 selects. The bound
  // (40-60%) is 9 standard deviations wide: a fair select fails it with probability < 1e-18.
  chan::channel<int> a(1);
  chan::channel<int> b(1);
  constexpr int kSelects = 2000;
  int wins[2] = {0, 0};
  for (int i = 0; i < kSelects; ++i) {
    a.try_send(0);  // refill whichever was taken (the other stays full: `full` is fine)
    b.try_send(1);
    const std::size_t which = chan::select(chan::recv(a, [](std::optional<int>) {}),
                                           chan::recv(b, [](std::optional<int>) {}));
    ASSERT_LT(which, 2u);
    ++wins[which];
  }
  EXPECT_GE(wins[0], kSelects * 40 / 100) << wins[0] << " vs " << wins[1];
  EXPECT_GE(wins[1], kSelects * 40 / 100) << wins[0] << " vs " << wins[1];
}

TEST(Select, SameChannelTwiceWhenReady) {
  chan::channel<int> ch(2);
  ASSERT_EQ(ch.send(1), chan::send_status::sent);
  ASSERT_EQ(ch.send(2), chan::send_status::sent);
  std::optional<int> got;
  auto take = [&](std::optional<int> v) { got = v; };
  EXPECT_LT(chan::select(chan::recv(ch, take), chan::recv(ch, take)), 2u);
  EXPECT_EQ(got, std::optional<int>(1));
  EXPECT_LT(chan::select(chan::recv(ch, take), chan::recv(ch, take)), 2u);
  EXPECT_EQ(got, std::optional<int>(2));
}

TEST(Select, SameChannelTwiceWhileBlocked) {
  exec::manual_executor manual;
  chan::channel<int> ch;
  int completions = 0;
  std::optional<int> got;
  auto take = [&](std::optional<int> v) {
    got = v;
    ++completions;
  };
  fiber::go(manual, [&] { chan::select(chan::recv(ch, take), chan::recv(ch, take)); });
  manual.drain();
  EXPECT_EQ(ch.try_send(3), chan::send_status::sent);
  EXPECT_EQ(ch.try_send(4), chan::send_status::full) << "the second case completed too";
  manual.drain();
  EXPECT_EQ(completions, 1);
  EXPECT_EQ(got, std::optional<int>(3));
}

TEST(Select, SendAndRecvOnOneUnbufferedChannelDoNotMatchEachOther) {
  exec::manual_executor manual;
  chan::channel<int> ch;
  std::size_t which = not_yet;
  fiber::go(manual, [&] {
    which = chan::select(chan::send(ch, 1), chan::recv(ch, [](std::optional<int>) {}));
  });
  manual.drain();
  EXPECT_EQ(which, not_yet) << "a select completed against itself";
  EXPECT_EQ(ch.try_recv().value, std::optional<int>(1));
  manual.drain();
  EXPECT_EQ(which, 0u);
  EXPECT_EQ(ch.try_send(2), chan::send_status::full) << "the recv case was left queued";
}

TEST(Select, ChannelClosedDuringABlockedSelect) {
  exec::manual_executor manual;
  chan::channel<int> open;
  chan::channel<int> closing;
  std::size_t which = not_yet;
  bool got_empty = false;
  fiber::go(manual, [&] {
    which = chan::select(chan::recv(open, [](std::optional<int>) { FAIL() << "nobody sent"; }),
                         chan::recv(closing, [&](std::optional<int> v) { got_empty = !v; }));
  });
  manual.drain();
  EXPECT_TRUE(closing.close());
  manual.drain();
  EXPECT_EQ(which, 1u);
  EXPECT_TRUE(got_empty);
  EXPECT_EQ(open.try_send(1), chan::send_status::full) << "the losing case still waits";
}

TEST(Select, SendCaseBlockedWhenTheChannelCloses) {
  exec::manual_executor manual;
  chan::channel<int> ch;
  chan::send_status status = chan::send_status::full;
  fiber::go(manual, [&] { chan::select(chan::send(ch, 1, [&](chan::send_status s) { status = s; })); });
  manual.drain();
  EXPECT_TRUE(ch.close());
  manual.drain();
  EXPECT_EQ(status, chan::send_status::closed);
}

TEST(Select, ClosedChannelsAreReady) {
  chan::channel<int> closed_recv;
  chan::channel<int> closed_send;
  closed_recv.close();
  closed_send.close();
  bool empty = false;
  EXPECT_EQ(chan::select(chan::recv(closed_recv, [&](std::optional<int> v) { empty = !v; }),
                         chan::default_case([] { FAIL() << "a closed recv case is ready"; })),
            0u);
  EXPECT_TRUE(empty);
  chan::send_status status = chan::send_status::sent;
  EXPECT_EQ(chan::select(chan::send(closed_send, 1, [&](chan::send_status s) { status = s; }),
                         chan::default_case([] { FAIL() << "a closed send case is ready"; })),
            0u);
  EXPECT_EQ(status, chan::send_status::closed);
}

TEST(Select, HandlersRunAfterTheLocksAreReleased) {
  chan::channel<int> ch(1);
  ASSERT_EQ(ch.send(1), chan::send_status::sent);
  chan::select(chan::recv(ch, [&](std::optional<int> v) {
    EXPECT_EQ(ch.send(*v + 1), chan::send_status::sent);  // would self-deadlock under the lock
  }));
  EXPECT_EQ(ch.recv(), std::optional<int>(2));
}

TEST(Select, PlainThreadsBlockInSelect) {
  chan::channel<int> a;
  chan::channel<int> b;
  constexpr int kRounds = 500;
  std::thread sender([&] {
    for (int i = 0; i < kRounds; ++i) ASSERT_EQ((i % 2 == 0 ? a : b).send(int{i}), chan::send_status::sent);
  });
  for (int i = 0; i < kRounds; ++i) {
    std::optional<int> got;
    const std::size_t which = chan::select(chan::recv(a, [&](std::optional<int> v) { got = v; }),
                                           chan::recv(b, [&](std::optional<int> v) { got = v; }));
    EXPECT_EQ(which, static_cast<std::size_t>(i % 2));
    EXPECT_EQ(got, std::optional<int>(i));
  }
  sender.join();
}

TEST(Select, TwoThreadsSelectOverTheSameChannelsInOppositeOrder) {
  // Each select can complete only against the other (both channels unbuffered): one via a,
  // or one via b — both selects must agree, and neither may deadlock on the locks.
  chan::channel<int> a;
  chan::channel<int> b;
  constexpr int kRounds = 2000;
  std::thread other([&] {
    for (int i = 0; i < kRounds; ++i) {
      chan::select(chan::recv(b, [](std::optional<int> v) { EXPECT_EQ(v, std::optional<int>(1)); }),
                   chan::send(a, 2));
    }
  });
  for (int i = 0; i < kRounds; ++i) {
    chan::select(chan::send(b, 1), chan::recv(a, [](std::optional<int> v) { EXPECT_EQ(v, std::optional<int>(2)); }));
  }
  other.join();
  EXPECT_EQ(a.try_recv().status, chan::recv_status::empty);
  EXPECT_EQ(b.try_recv().status, chan::recv_status::empty);
}

}  // namespace
