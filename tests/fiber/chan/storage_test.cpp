// Storage tests: a channel on the heap is freed the moment the operation that ends its use
// returns — the last recv, a recv that saw close, a select. The other side (a fiber or a
// thread) must not touch the channel after that (ASAN catches it in the asan presets).
#include <memory>
#include <optional>
#include <thread>

#include <gtest/gtest.h>

#include <spindle/exec/fast_pool.hpp>
#include <spindle/fiber/chan/channel.hpp>
#include <spindle/fiber/chan/select.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/sync/event.hpp>

#include "stress.hpp"

namespace exec = spindle::exec;
namespace fiber = spindle::fiber;
namespace chan = spindle::fiber::chan;
namespace test = spindle::test;

namespace {

exec::pool_options two_workers() {
  exec::pool_options options;
  options.workers = 2;
  options.name = "chan-storage";
  return options;
}

// Runs `body` on a fiber (even iterations) or a plain thread (odd); returns a joiner.
class other_side {
 public:
  template <class F>
  other_side(exec::fast_pool& pool, std::size_t iteration, F body) {
    if (iteration % 2 == 0) {
      fiber::go(pool, [this, body] {
        body();
        done_.fire();
      });
    } else {
      thread_ = std::thread([this, body] {
        body();
        done_.fire();
      });
    }
  }
  ~other_side() {
    done_.wait();
    if (thread_.joinable()) thread_.join();
  }

 private:
  fiber::sync::event done_;
  std::thread thread_;
};

TEST(ChanStorage, FreedRightAfterTheLastRecv) {
  exec::fast_pool pool(two_workers());
  test::repeat_within_budget(20000, [&](std::size_t i) {
    auto ch = std::make_unique<chan::channel<int>>(i % 3 == 0 ? 0 : 1);
    chan::channel<int>* raw = ch.get();
    other_side sender(pool, i / 3, [raw] { EXPECT_EQ(raw->send(1), chan::send_status::sent); });
    EXPECT_EQ(ch->recv(), std::optional<int>(1));
    ch.reset();  // the sender may still be returning from send(): it must not touch *raw
  });
  pool.stop();
}

TEST(ChanStorage, FreedByTheSenderRightAfterAnUnbufferedSend) {
  exec::fast_pool pool(two_workers());
  test::repeat_within_budget(20000, [&](std::size_t i) {
    auto ch = std::make_unique<chan::channel<int>>();
    chan::channel<int>* raw = ch.get();
    other_side receiver(pool, i, [raw] { EXPECT_EQ(raw->recv(), std::optional<int>(2)); });
    EXPECT_EQ(ch->send(2), chan::send_status::sent);  // the receiver has the value: done with *raw
    ch.reset();
  });
  pool.stop();
}

TEST(ChanStorage, FreedRightAfterARecvThatSawClose) {
  exec::fast_pool pool(two_workers());
  test::repeat_within_budget(20000, [&](std::size_t i) {
    auto ch = std::make_unique<chan::channel<int>>(i % 2);
    chan::channel<int>* raw = ch.get();
    other_side closer(pool, i / 2, [raw] { raw->close(); });
    EXPECT_EQ(ch->recv(), std::nullopt);
    ch.reset();
  });
  pool.stop();
}

TEST(ChanStorage, FreedRightAfterASelect) {
  exec::fast_pool pool(two_workers());
  test::repeat_within_budget(20000, [&](std::size_t i) {
    auto a = std::make_unique<chan::channel<int>>();
    auto b = std::make_unique<chan::channel<int>>(1);
    chan::channel<int>* raw_a = a.get();
    other_side sender(pool, i, [raw_a] { EXPECT_EQ(raw_a->send(3), chan::send_status::sent); });
    std::optional<int> got;
    EXPECT_EQ(chan::select(chan::recv(*b, [](std::optional<int>) {}),
                           chan::recv(*a, [&](std::optional<int> v) { got = v; })),
              1u);
    EXPECT_EQ(got, std::optional<int>(3));
    a.reset();
    b.reset();
  });
  pool.stop();
}

}  // namespace
