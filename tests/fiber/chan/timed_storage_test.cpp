// Storage tests of the timed channel operations: the channel lives on the heap and is freed
// the moment a timed operation on it returns — completed (the counterpart may still be inside
// its send / recv / close, past its last access to the channel: only the parker is touched)
// or timed out (a counterpart that found the stale node dropped it under the lock, before the
// owner's unlink). The timed party runs on a plain thread and in a fiber (whose timer entry
// lives on its stack, reused at once). Under ASAN a counterpart, a timer or a timed-out owner
// touching the freed channel is a heap-use-after-free.
#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <thread>

#include <gtest/gtest.h>

#include <spindle/exec/fast_pool.hpp>
#include <spindle/fiber/chan/channel.hpp>
#include <spindle/fiber/chan/select.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/sync/wait_group.hpp>
#include <spindle/fiber/timer_service.hpp>

#include "stress.hpp"
#include "timed_fiber.hpp"

namespace exec = spindle::exec;
namespace fiber = spindle::fiber;
namespace chan = spindle::fiber::chan;
namespace test = spindle::test;

using namespace std::chrono_literals;

namespace {

constexpr auto kLong = 10s;  // a deadline that does not pass during the test

using test::on_thread_and_in_fiber;

TEST(ChanTimedStorage, FreedRightAfterATimedRecvGotItsValue) {
  on_thread_and_in_fiber(300, [](std::size_t) {
    auto* ch = new chan::channel<int>;
    std::thread sender([ch] { EXPECT_EQ(ch->send(1), chan::send_status::sent); });
    const chan::recv_result<int> r = ch->recv_for(kLong);
    EXPECT_EQ(r.value, std::optional<int>(1));
    delete ch;  // the sender may still be in send(), past its unlock
    sender.join();
  });
}

TEST(ChanTimedStorage, FreedRightAfterATimedSendWasTaken) {
  on_thread_and_in_fiber(300, [](std::size_t) {
    auto* ch = new chan::channel<int>;
    std::thread receiver([ch] { EXPECT_EQ(ch->recv(), std::optional<int>(2)); });
    EXPECT_EQ(ch->send_for(2, kLong), chan::send_status::sent);
    delete ch;  // the receiver may still be in recv(), past its unlock
    receiver.join();
  });
}

TEST(ChanTimedStorage, FreedRightAfterATimedRecvSawClose) {
  on_thread_and_in_fiber(300, [](std::size_t) {
    auto* ch = new chan::channel<int>;
    std::thread closer([ch] { ch->close(); });
    EXPECT_EQ(ch->recv_for(kLong).status, chan::recv_status::closed);
    delete ch;  // close() may still be waking us
    closer.join();
  });
}

// The counterpart arrives about when the deadline passes: it may find the node and fail the
// claim (dropping it), or come after the owner's unlink, or complete the operation. Either way
// the channel is freed as soon as the timed operation returns, and the counterpart's own
// operation is over by then or finds nothing (it uses try_*, then leaves the channel alone).
TEST(ChanTimedStorage, FreedRightAfterATimedRecvRacedByATrySend) {
  on_thread_and_in_fiber(300, [](std::size_t i) {
    auto* ch = new chan::channel<int>;
    std::atomic<bool> may_free{false};
    std::thread sender([ch, &may_free, i] {
      std::this_thread::sleep_for(std::chrono::microseconds(i % 40));
      (void)ch->try_send(3);
      may_free.store(true);  // the only access the owner waits for: ours is over
    });
    const chan::recv_result<int> r = ch->recv_for(std::chrono::microseconds(20));
    EXPECT_TRUE(r.status == chan::recv_status::received || r.status == chan::recv_status::timed_out);
    if (r.status == chan::recv_status::received) {
      delete ch;  // claimed by the try_send, which is past its unlock or waking us
      sender.join();
    } else {
      while (!may_free.load()) std::this_thread::yield();  // try_send may still be starting
      delete ch;
      sender.join();
    }
  });
}

TEST(ChanTimedStorage, FreedRightAfterATimedOutSend) {
  on_thread_and_in_fiber(100, [](std::size_t) {
    auto* ch = new chan::channel<int>(1);
    ASSERT_EQ(ch->send(0), chan::send_status::sent);
    EXPECT_EQ(ch->send_for(1, std::chrono::microseconds(10)), chan::send_status::timed_out);
    delete ch;  // the timer is done with our entry, our node is unlinked
  });
}

TEST(ChanTimedStorage, FreedRightAfterATimedSelect) {
  on_thread_and_in_fiber(300, [](std::size_t i) {
    auto* a = new chan::channel<int>;
    auto* b = new chan::channel<int>;
    std::thread sender([&, i] {
      chan::channel<int>* target = i % 2 == 0 ? a : b;
      EXPECT_EQ(target->send(4), chan::send_status::sent);
    });
    std::optional<int> got;
    const std::size_t which = chan::select_for(kLong, chan::recv(*a, [&](std::optional<int> v) { got = v; }),
                                               chan::recv(*b, [&](std::optional<int> v) { got = v; }));
    EXPECT_EQ(which, i % 2);
    EXPECT_EQ(got, std::optional<int>(4));
    delete a;  // the sender may still be in send(), past its unlock
    delete b;
    sender.join();
  });
}

TEST(ChanTimedStorage, FreedRightAfterATimedOutSelect) {
  on_thread_and_in_fiber(100, [](std::size_t) {
    auto* a = new chan::channel<int>;
    auto* b = new chan::channel<int>(1);
    ASSERT_EQ(b->send(0), chan::send_status::sent);  // full: the send case waits too
    EXPECT_EQ(chan::select_for(std::chrono::microseconds(10), chan::recv(*a, [](std::optional<int>) {}),
                               chan::send(*b, 1)),
              chan::kTimedOut);
    delete a;  // every node unlinked (step 7), the timer done with our entry
    delete b;
  });
}

}  // namespace
