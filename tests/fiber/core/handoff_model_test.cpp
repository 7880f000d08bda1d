// Model test of the direct hand-off (HANDOFF in fiber/detail/fiber_block.hpp), explored by the
// simulator in sim builds and stress-repeated on real threads elsewhere: a token passes round a
// ring of three fibers on a two-worker pool, so hops run by hand-off, by a transfer straight
// into the next fiber, and across workers by stealing. Each holder writes plain memory the next
// one reads: a hop without happens-before is a data race; a lost wake-up a deadlock; an
// after_switch run twice or never a failed check or a deadlock.
#include <array>
#include <memory>
#include <optional>

#include <gtest/gtest.h>

#include <spindle/base/config.hpp>
#include <spindle/exec/fast_pool.hpp>
#include <spindle/fiber/chan/channel.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/sync/wait_group.hpp>
#include <spindle/testing/model_check.hpp>
#include <spindle/twist/shared.hpp>

#include "model.hpp"

namespace exec = spindle::exec;
namespace fiber = spindle::fiber;
namespace chan = spindle::fiber::chan;
namespace sim = spindle::sim;
namespace twist = spindle::twist;

namespace {

TEST(HandOffModel, TokenRingOverUnbufferedChannels) {
  for (const sim::options& opts :
       spindle::test::model_explorations({.budget = std::chrono::milliseconds(300)})) {
    spindle::testing::model_check(opts, [] {
      constexpr int fibers = 3;
      constexpr int laps = 2;
      exec::fast_pool pool(spindle::test::model_pool(2));
      std::array<chan::channel<int>, fibers> links;
      twist::shared<int> baton{0};  // written by the holder of the token only
      fiber::sync::wait_group done;
      done.add(fibers);
      for (int i = 0; i < fibers; ++i) {
        fiber::go(pool, [&, i] {
          for (int lap = 0; lap < laps; ++lap) {
            if (i != 0 || lap != 0) {
              std::optional<int> token = links[i].recv();
              SPINDLE_VERIFY(token.has_value(), "the ring lost its token");
              SPINDLE_VERIFY(baton.read() == *token, "the baton does not match the token");
            }
            const int next = lap * fibers + i + 1;
            baton.write(next);
            SPINDLE_VERIFY(links[(i + 1) % fibers].send(next) == chan::send_status::sent,
                           "send failed");
          }
          if (i == 0) {
            std::optional<int> last = links[0].recv();
            SPINDLE_VERIFY(last == std::optional<int>(laps * fibers), "wrong final token");
          }
          done.done();
        });
      }
      done.wait();
      pool.stop();
    });
  }
}

}  // namespace
