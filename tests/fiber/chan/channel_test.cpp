// Unit tests of fiber::chan::channel: Go's channel semantics, restated. Fibers run on a manual
// executor (the test decides when they run, so "still blocked" is observable); the plain
// thread of the test talks to them with the non-blocking operations, or blocks itself.
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/exec/fast_pool.hpp>
#include <spindle/exec/manual_executor.hpp>
#include <spindle/fiber/chan/channel.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/sync/event.hpp>

namespace exec = spindle::exec;
namespace fiber = spindle::fiber;
namespace chan = spindle::fiber::chan;

namespace {

TEST(Channel, BufferedValuesLeaveInFifoOrder) {
  chan::channel<int> ch(4);
  EXPECT_EQ(ch.capacity(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(ch.send(i), chan::send_status::sent);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(ch.recv(), std::optional<int>(i));
}

TEST(Channel, FifoAcrossTheRingAndBlockedSenders) {
  // Capacity 2, five values: three senders end up queued behind the full ring; the receiver
  // must still see 0..4 in order (a blocked sender's value joins the ring's back).
  exec::manual_executor manual;
  chan::channel<int> ch(2);
  for (int i = 0; i < 5; ++i) {
    fiber::go(manual, [&ch, i] { EXPECT_EQ(ch.send(int{i}), chan::send_status::sent); });
  }
  manual.drain();  // 0 and 1 buffered; 2, 3, 4 blocked, queued in that order
  for (int i = 0; i < 5; ++i) {
    chan::recv_result<int> got = ch.try_recv();
    ASSERT_EQ(got.status, chan::recv_status::received);
    EXPECT_EQ(got.value, std::optional<int>(i));
    manual.drain();
  }
  EXPECT_EQ(ch.try_recv().status, chan::recv_status::empty);
}

TEST(Channel, UnbufferedSendWaitsForAReceiver) {
  exec::manual_executor manual;
  chan::channel<int> ch;  // capacity 0
  EXPECT_EQ(ch.capacity(), 0u);
  bool sent = false;
  fiber::go(manual, [&] {
    EXPECT_EQ(ch.send(7), chan::send_status::sent);
    sent = true;
  });
  manual.drain();
  EXPECT_FALSE(sent) << "a send on an unbuffered channel returned with nobody receiving";
  chan::recv_result<int> got = ch.try_recv();
  EXPECT_EQ(got.status, chan::recv_status::received);
  EXPECT_EQ(got.value, std::optional<int>(7));
  EXPECT_FALSE(sent) << "the sender ran before it was resumed";
  manual.drain();
  EXPECT_TRUE(sent);
}

TEST(Channel, UnbufferedRecvWaitsForASender) {
  exec::manual_executor manual;
  chan::channel<std::string> ch;
  std::optional<std::string> got;
  fiber::go(manual, [&] { got = ch.recv(); });
  manual.drain();
  EXPECT_FALSE(got.has_value());
  EXPECT_EQ(ch.try_send(std::string("hello")), chan::send_status::sent);  // a receiver waits
  manual.drain();
  EXPECT_EQ(got, std::optional<std::string>("hello"));
  EXPECT_EQ(ch.try_send(std::string("nobody")), chan::send_status::full);  // nobody waits
}

TEST(Channel, SendBlocksWhileTheRingIsFull) {
  exec::manual_executor manual;
  chan::channel<int> ch(2);
  int sends_done = 0;
  fiber::go(manual, [&] {
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(ch.send(int{i}), chan::send_status::sent);
      ++sends_done;
    }
  });
  manual.drain();
  EXPECT_EQ(sends_done, 2) << "the third send should block on a full ring of two";
  EXPECT_EQ(ch.try_recv().value, std::optional<int>(0));
  manual.drain();
  EXPECT_EQ(sends_done, 3);
}

TEST(Channel, TrySendAndTryRecvOnFullEmptyAndClosed) {
  chan::channel<int> ch(1);
  EXPECT_EQ(ch.try_recv().status, chan::recv_status::empty);
  EXPECT_EQ(ch.try_send(1), chan::send_status::sent);
  EXPECT_EQ(ch.try_send(2), chan::send_status::full);
  EXPECT_TRUE(ch.close());
  EXPECT_EQ(ch.try_send(3), chan::send_status::closed);
  chan::recv_result<int> got = ch.try_recv();
  EXPECT_EQ(got.status, chan::recv_status::received);  // buffered values survive close
  EXPECT_EQ(got.value, std::optional<int>(1));
  got = ch.try_recv();
  EXPECT_EQ(got.status, chan::recv_status::closed);
  EXPECT_FALSE(got.value.has_value());
}

TEST(Channel, RecvDrainsBufferedValuesAfterClose) {
  chan::channel<int> ch(3);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(ch.send(int{i}), chan::send_status::sent);
  EXPECT_TRUE(ch.close());
  EXPECT_TRUE(ch.is_closed());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(ch.recv(), std::optional<int>(i));
  EXPECT_EQ(ch.recv(), std::nullopt);
  EXPECT_EQ(ch.recv(), std::nullopt);  // and forever after
}

TEST(Channel, CloseWakesEveryBlockedReceiver) {
  exec::manual_executor manual;
  chan::channel<int> ch;
  int woken_empty = 0;
  for (int f = 0; f < 3; ++f) {
    fiber::go(manual, [&] {
      if (!ch.recv().has_value()) ++woken_empty;
    });
  }
  manual.drain();
  EXPECT_EQ(woken_empty, 0);
  EXPECT_TRUE(ch.close());
  manual.drain();
  EXPECT_EQ(woken_empty, 3);
}

TEST(Channel, CloseWakesEveryBlockedSenderWithAnError) {
  exec::manual_executor manual;
  chan::channel<int> ch(1);
  ASSERT_EQ(ch.send(100), chan::send_status::sent);  // the ring is full now
  std::vector<chan::send_status> results;
  for (int f = 0; f < 2; ++f) {
    fiber::go(manual, [&, f] { results.push_back(ch.send(int{f})); });
  }
  manual.drain();
  EXPECT_TRUE(results.empty());
  EXPECT_TRUE(ch.close());
  manual.drain();
  EXPECT_EQ(results, (std::vector<chan::send_status>{chan::send_status::closed, chan::send_status::closed}));
  EXPECT_EQ(ch.recv(), std::optional<int>(100));  // what was buffered before close stays
  EXPECT_EQ(ch.recv(), std::nullopt);
}

TEST(Channel, SendOnAClosedChannelLeavesTheValueUntouched) {
  chan::channel<std::unique_ptr<int>> ch(1);
  EXPECT_TRUE(ch.close());
  auto value = std::make_unique<int>(5);
  EXPECT_EQ(ch.send(std::move(value)), chan::send_status::closed);
  ASSERT_NE(value, nullptr) << "a failed send moved the value away";
  EXPECT_EQ(*value, 5);
  EXPECT_EQ(ch.try_send(std::move(value)), chan::send_status::closed);
  EXPECT_NE(value, nullptr);
}

TEST(Channel, CloseTwiceIsDefined) {
  chan::channel<int> ch;
  EXPECT_FALSE(ch.is_closed());
  EXPECT_TRUE(ch.close());
  EXPECT_FALSE(ch.close());
  EXPECT_TRUE(ch.is_closed());
}

TEST(Channel, MoveOnlyValues) {
  chan::channel<std::unique_ptr<int>> ch(2);
  ASSERT_EQ(ch.send(std::make_unique<int>(1)), chan::send_status::sent);
  std::optional<std::unique_ptr<int>> got = ch.recv();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(**got, 1);
}

TEST(Channel, BufferedValuesAreDestroyedWithTheChannel) {
  auto counted = std::make_shared<int>(0);
  {
    chan::channel<std::shared_ptr<int>> ch(3);
    ASSERT_EQ(ch.send(counted), chan::send_status::sent);
    ASSERT_EQ(ch.send(counted), chan::send_status::sent);
    EXPECT_EQ(counted.use_count(), 3);
  }
  EXPECT_EQ(counted.use_count(), 1);
}

TEST(Channel, CallerStorage) {
  std::array<chan::storage_slot<std::string>, 3> storage;
  chan::channel<std::string> ch{std::span<chan::storage_slot<std::string>>(storage)};
  EXPECT_EQ(ch.capacity(), 3u);
  for (int round = 0; round < 3; ++round) {  // wraps around the ring
    for (int i = 0; i < 3; ++i) ASSERT_EQ(ch.try_send(std::to_string(i)), chan::send_status::sent);
    EXPECT_EQ(ch.try_send(std::string("x")), chan::send_status::full);
    for (int i = 0; i < 2; ++i) EXPECT_EQ(ch.recv(), std::optional<std::string>(std::to_string(i)));
    EXPECT_EQ(ch.recv(), std::optional<std::string>("2"));
  }
  ASSERT_EQ(ch.send(std::string("left behind")), chan::send_status::sent);  // freed by ~channel
}

TEST(Channel, PlainThreadsSendAndReceive) {
  chan::channel<int> unbuffered;
  chan::channel<int> buffered(2);
  constexpr int kValues = 1000;
  std::thread producer([&] {
    for (int i = 0; i < kValues; ++i) {
      ASSERT_EQ(unbuffered.send(int{i}), chan::send_status::sent);
      ASSERT_EQ(buffered.send(int{i}), chan::send_status::sent);
    }
    unbuffered.close();
    buffered.close();
  });
  for (int i = 0; i < kValues; ++i) {
    EXPECT_EQ(unbuffered.recv(), std::optional<int>(i));
    EXPECT_EQ(buffered.recv(), std::optional<int>(i));
  }
  EXPECT_EQ(unbuffered.recv(), std::nullopt);
  EXPECT_EQ(buffered.recv(), std::nullopt);
  producer.join();
}

TEST(Channel, ThreadAndFiberRendezvous) {
  exec::pool_options options;
  options.workers = 1;
  options.name = "chan-unit";
  exec::fast_pool pool(options);
  chan::channel<int> to_fiber;
  chan::channel<int> to_thread;
  fiber::sync::event done;
  fiber::go(pool, [&] {
    for (int i = 0; i < 100; ++i) {
      std::optional<int> got = to_fiber.recv();  // suspends the fiber
      ASSERT_EQ(got, std::optional<int>(i));
      ASSERT_EQ(to_thread.send(*got * 2), chan::send_status::sent);
    }
    done.fire();
  });
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(to_fiber.send(int{i}), chan::send_status::sent);  // parks the thread
    EXPECT_EQ(to_thread.recv(), std::optional<int>(2 * i));
  }
  done.wait();
  pool.stop();
}

}  // namespace
