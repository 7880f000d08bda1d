// Misuse of the timed channel operations stops the program with a clear message: a fiber
// without a timer service that has to wait (whatever the deadline: the mistake shows on the
// first run, not only when the deadline is in the future), and destroying a channel while a
// timed operation waits on it. (A ready timed operation needs no timer service: chan_timed_test.cpp.)
// No commas at the top level of the death statements: EXPECT_DEATH is a macro.
#include <chrono>
#include <memory>
#include <optional>

#include <gtest/gtest.h>

#include <spindle/exec/manual_executor.hpp>
#include <spindle/fiber/chan/channel.hpp>
#include <spindle/fiber/chan/select.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/timer_service.hpp>

namespace exec = spindle::exec;
namespace fiber = spindle::fiber;
namespace chan = spindle::fiber::chan;

using namespace std::chrono_literals;

namespace {

class ChanTimedMisuse : public testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

constexpr const char* kNoTimers = "a timed channel operation .* in a fiber without a timer service";

TEST_F(ChanTimedMisuse, RecvForInAFiberWithoutATimerService) {
  EXPECT_DEATH(
      {
        exec::manual_executor manual;
        chan::channel<int> ch;
        fiber::go(manual, [&] { (void)ch.recv_for(1ms); });
        manual.drain();
      },
      kNoTimers);
}

TEST_F(ChanTimedMisuse, PassedDeadlineRecvInAFiberWithoutATimerService) {
  EXPECT_DEATH(
      {
        exec::manual_executor manual;
        chan::channel<int> ch;
        fiber::go(manual, [&] { (void)ch.recv_for(0ms); });
        manual.drain();
      },
      kNoTimers);
}

TEST_F(ChanTimedMisuse, SendUntilInAFiberWithoutATimerService) {
  EXPECT_DEATH(
      {
        exec::manual_executor manual;
        chan::channel<int> ch(1);
        ch.send(0);
        fiber::go(manual, [&] { (void)ch.send_until(1, spindle::twist::steady_clock::now()); });
        manual.drain();
      },
      kNoTimers);
}

TEST_F(ChanTimedMisuse, SelectForInAFiberWithoutATimerService) {
  EXPECT_DEATH(
      {
        exec::manual_executor manual;
        chan::channel<int> ch;
        fiber::go(manual, [&] { (void)chan::select_for(1ms, chan::recv(ch, [](std::optional<int>) {})); });
        manual.drain();
      },
      kNoTimers);
}

TEST_F(ChanTimedMisuse, SelectForWithEveryCaseOffInAFiberWithoutATimerService) {
  EXPECT_DEATH(
      {
        exec::manual_executor manual;
        chan::channel<int>* nil = nullptr;
        fiber::go(manual, [&] { (void)chan::select_for(1ms, chan::recv(nil, [](std::optional<int>) {})); });
        manual.drain();
      },
      kNoTimers);
}

TEST_F(ChanTimedMisuse, DestroyingAChannelWithATimedReceiver) {
  EXPECT_DEATH(
      {
        fiber::timer_service timers;
        exec::manual_executor manual;
        fiber::options opts;
        opts.timers = &timers;
        auto ch = std::make_unique<chan::channel<int>>();
        fiber::go(manual, [&] { (void)ch->recv_for(1h); }, opts);
        manual.drain();
        ch.reset();
      },
      "fiber::chan::channel destroyed while fibers or threads wait on it");
}

}  // namespace
