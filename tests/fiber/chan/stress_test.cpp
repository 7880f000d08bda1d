// Stress tests of channels and select: many fibers on a two-worker fast pool, plain threads
// beside them, within the SPINDLE_STRESS_SECONDS budget. Every value must be received exactly
// once (a lost or duplicated hand-off shows in the tally), and nothing may hang (a lost wakeup
// or a lock-order deadlock runs into the ctest timeout).
#include <atomic>
#include <cstdint>
#include <optional>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/exec/fast_pool.hpp>
#include <spindle/fiber/chan/channel.hpp>
#include <spindle/fiber/chan/select.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/sync/wait_group.hpp>

#include "stress.hpp"

namespace exec = spindle::exec;
namespace fiber = spindle::fiber;
namespace chan = spindle::fiber::chan;
namespace test = spindle::test;

namespace {

exec::pool_options two_workers() {
  exec::pool_options options;
  options.workers = 2;
  options.name = "chan-stress";
  return options;
}

// Counts how often each value 0..n-1 was received.
class tally {
 public:
  explicit tally(std::size_t n) : seen_(n) {}
  void add(int value) { seen_.at(static_cast<std::size_t>(value)).fetch_add(1, std::memory_order_relaxed); }
  void expect_each_once() const {
    for (std::size_t v = 0; v < seen_.size(); ++v) {
      ASSERT_EQ(seen_[v].load(std::memory_order_relaxed), 1) << "value " << v;
    }
  }

 private:
  std::vector<std::atomic<int>> seen_;
};

void producers_and_consumers(exec::fast_pool& pool, std::size_t capacity) {
  constexpr int kProducers = 4;
  constexpr int kConsumers = 4;
  constexpr int kPerProducer = 500;
  chan::channel<int> ch(capacity);
  tally received(kProducers * kPerProducer);
  fiber::sync::wait_group producers;
  fiber::sync::wait_group consumers;
  producers.add(kProducers);
  consumers.add(kConsumers);
  for (int p = 0; p < kProducers; ++p) {
    fiber::go(pool, [&, p] {
      for (int i = 0; i < kPerProducer; ++i) {
        EXPECT_EQ(ch.send(p * kPerProducer + i), chan::send_status::sent);
      }
      producers.done();
    });
  }
  for (int c = 0; c < kConsumers; ++c) {
    fiber::go(pool, [&] {
      while (std::optional<int> v = ch.recv()) received.add(*v);
      consumers.done();
    });
  }
  producers.wait();
  EXPECT_TRUE(ch.close());
  consumers.wait();
  received.expect_each_once();
}

TEST(ChanStress, ManyProducersAndConsumersUnbuffered) {
  exec::fast_pool pool(two_workers());
  test::repeat_within_budget(200, [&](std::size_t) { producers_and_consumers(pool, 0); });
  pool.stop();
}

TEST(ChanStress, ManyProducersAndConsumersBuffered) {
  exec::fast_pool pool(two_workers());
  test::repeat_within_budget(200, [&](std::size_t i) { producers_and_consumers(pool, 1 + i % 8); });
  pool.stop();
}

TEST(ChanStress, PerProducerOrderIsKept) {
  // One consumer: the values of each producer must arrive in the order it sent them.
  exec::fast_pool pool(two_workers());
  test::repeat_within_budget(200, [&](std::size_t i) {
    constexpr int kProducers = 3;
    constexpr int kPerProducer = 300;
    chan::channel<int> ch(i % 3);
    fiber::sync::wait_group producers;
    producers.add(kProducers);
    for (int p = 0; p < kProducers; ++p) {
      fiber::go(pool, [&, p] {
        for (int k = 0; k < kPerProducer; ++k) EXPECT_EQ(ch.send(p * kPerProducer + k), chan::send_status::sent);
        producers.done();
      });
    }
    std::thread closer([&] {
      producers.wait();
      ch.close();
    });
    int next[kProducers] = {0, 0, 0};
    while (std::optional<int> v = ch.recv()) {
      const int p = *v / kPerProducer;
      ASSERT_EQ(*v % kPerProducer, next[p]) << "producer " << p << " reordered";
      ++next[p];
    }
    closer.join();
    for (int p = 0; p < kProducers; ++p) EXPECT_EQ(next[p], kPerProducer);
  });
  pool.stop();
}

TEST(ChanStress, SelectConsumersOverTwoChannels) {
  // Producers split their values over two channels; consumers select over both (and a third
  // "quit" channel, closed at the end). Both data channels are closed when the producers are
  // done, and a consumer stops once both report closed.
  exec::fast_pool pool(two_workers());
  test::repeat_within_budget(200, [&](std::size_t iteration) {
    constexpr int kProducers = 3;
    constexpr int kConsumers = 3;
    constexpr int kPerProducer = 400;
    chan::channel<int> a(iteration % 2);
    chan::channel<int> b(iteration % 3);
    tally received(kProducers * kPerProducer);
    fiber::sync::wait_group producers;
    fiber::sync::wait_group consumers;
    producers.add(kProducers);
    consumers.add(kConsumers);
    for (int p = 0; p < kProducers; ++p) {
      fiber::go(pool, [&, p] {
        for (int i = 0; i < kPerProducer; ++i) {
          const int value = p * kPerProducer + i;
          if (i % 3 == 0) {
            EXPECT_EQ(a.send(int{value}), chan::send_status::sent);
          } else if (i % 3 == 1) {
            EXPECT_EQ(b.send(int{value}), chan::send_status::sent);
          } else {
            // A select with two send cases: whichever has room (or a receiver) first.
            chan::select(chan::send(a, value, [](chan::send_status s) { EXPECT_EQ(s, chan::send_status::sent); }),
                         chan::send(b, value, [](chan::send_status s) { EXPECT_EQ(s, chan::send_status::sent); }));
          }
        }
        producers.done();
      });
    }
    for (int c = 0; c < kConsumers; ++c) {
      fiber::go(pool, [&] {
        bool a_open = true;
        bool b_open = true;
        while (a_open || b_open) {
          if (a_open && b_open) {
            chan::select(chan::recv(a, [&](std::optional<int> v) { v ? received.add(*v) : void(a_open = false); }),
                         chan::recv(b, [&](std::optional<int> v) { v ? received.add(*v) : void(b_open = false); }));
          } else {
            chan::channel<int>& open = a_open ? a : b;
            if (std::optional<int> v = open.recv()) {
              received.add(*v);
            } else {
              (a_open ? a_open : b_open) = false;
            }
          }
        }
        consumers.done();
      });
    }
    producers.wait();
    a.close();
    b.close();
    consumers.wait();
    received.expect_each_once();
  });
  pool.stop();
}

TEST(ChanStress, OppositeOrderSelectsDoNotDeadlock) {
  // Fibers and threads select over (a, b) and (b, a) with mixed send/recv cases; every select
  // must complete against another one.
  exec::fast_pool pool(two_workers());
  test::repeat_within_budget(50, [&](std::size_t) {
    constexpr int kRounds = 300;
    chan::channel<int> a;
    chan::channel<int> b;
    fiber::sync::wait_group done;
    done.add(2);
    std::atomic<int> received{0};
    auto count = [&](std::optional<int> v) {
      if (v) received.fetch_add(1, std::memory_order_relaxed);
    };
    fiber::go(pool, [&] {
      for (int i = 0; i < kRounds; ++i) chan::select(chan::recv(a, count), chan::send(b, 1));
      done.done();
    });
    fiber::go(pool, [&] {
      for (int i = 0; i < kRounds; ++i) chan::select(chan::send(b, 2), chan::recv(a, count));
      done.done();
    });
    std::thread partner([&] {
      // Matches 2 * kRounds selects: takes from b, sends to a, as a select in the other order.
      for (int i = 0; i < 2 * kRounds; ++i) {
        chan::select(chan::send(a, 3), chan::recv(b, count));
      }
    });
    partner.join();
    done.wait();
    EXPECT_EQ(received.load(), 2 * kRounds);
  });
  pool.stop();
}

TEST(ChanStress, PlainThreadsOnly) {
  test::repeat_within_budget(100, [&](std::size_t iteration) {
    constexpr int kThreads = 3;
    constexpr int kPerThread = 500;
    chan::channel<int> ch(iteration % 4);
    tally received(kThreads * kPerThread);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) EXPECT_EQ(ch.send(t * kPerThread + i), chan::send_status::sent);
      });
    }
    std::vector<std::thread> consumers;
    for (int t = 0; t < 2; ++t) {
      consumers.emplace_back([&] {
        while (std::optional<int> v = ch.recv()) received.add(*v);
      });
    }
    for (std::thread& t : threads) t.join();
    ch.close();
    for (std::thread& t : consumers) t.join();
    received.expect_each_once();
  });
}

}  // namespace
