// Misuse of channels that is a programming error stops the program with a clear message.
// (Sending on a closed channel and closing twice are not misuse: they return results, see
// chan_test.cpp.) No commas at the top level of the death statements: EXPECT_DEATH is a macro.
#include <memory>

#include <gtest/gtest.h>

#include <spindle/exec/manual_executor.hpp>
#include <spindle/fiber/chan/channel.hpp>
#include <spindle/fiber/chan/select.hpp>
#include <spindle/fiber/fiber.hpp>

namespace exec = spindle::exec;
namespace fiber = spindle::fiber;
namespace chan = spindle::fiber::chan;

namespace {

class ChanMisuse : public testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

constexpr const char* destroyed_message = "fiber::chan::channel destroyed while fibers or threads wait on it";

TEST_F(ChanMisuse, DestroyingAChannelWithABlockedReceiver) {
  EXPECT_DEATH(
      {
        exec::manual_executor manual;
        auto ch = std::make_unique<chan::channel<int>>();
        fiber::go(manual, [&] { ch->recv(); });
        manual.drain();
        ch.reset();
      },
      destroyed_message);
}

TEST_F(ChanMisuse, DestroyingAChannelWithABlockedSender) {
  EXPECT_DEATH(
      {
        exec::manual_executor manual;
        auto ch = std::make_unique<chan::channel<int>>(1);
        fiber::go(manual, [&] {
          ch->send(1);
          ch->send(2);
        });
        manual.drain();
        ch.reset();
      },
      destroyed_message);
}

TEST_F(ChanMisuse, DestroyingAChannelABlockedSelectNames) {
  EXPECT_DEATH(
      {
        exec::manual_executor manual;
        chan::channel<int> other;
        auto ch = std::make_unique<chan::channel<int>>();
        fiber::go(manual, [&] { chan::select(chan::recv(other, [](std::optional<int>) {}), chan::send(*ch, 1)); });
        manual.drain();
        ch.reset();
      },
      destroyed_message);
}

}  // namespace
