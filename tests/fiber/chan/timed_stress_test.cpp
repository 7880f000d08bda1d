// Stress tests of the timed channel operations and the timed select: fibers on a two-worker
// fast pool (with a timer service) and plain threads beside them send and receive with
// deadlines of a few microseconds, so that timeouts race completions all the time, within the
// SPINDLE_STRESS_SECONDS budget. Exact accounting: every value a send reported `sent` (or a
// select reported its send case completed) is received exactly once, and a value whose send
// timed out is never received — a timeout that also moved the value, or a completion lost to
// a timeout, shows in the tally. Nothing may hang (a lost wakeup runs into the ctest timeout).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/exec/fast_pool.hpp>
#include <spindle/fiber/chan/channel.hpp>
#include <spindle/fiber/chan/select.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/sync/wait_group.hpp>
#include <spindle/fiber/timer_service.hpp>

#include "stress.hpp"

namespace exec = spindle::exec;
namespace fiber = spindle::fiber;
namespace chan = spindle::fiber::chan;
namespace test = spindle::test;

using namespace std::chrono_literals;

namespace {

constexpr int kFiberProducers = 3;
constexpr int kThreadProducers = 2;
constexpr int kProducers = kFiberProducers + kThreadProducers;
constexpr int kFiberConsumers = 3;
constexpr int kThreadConsumers = 2;
constexpr int kPerProducer = 150;
constexpr int kValues = kProducers * kPerProducer;

exec::pool_options two_workers() {
  exec::pool_options options;
  options.workers = 2;
  options.name = "chan-timed-stress";
  return options;
}

// A timeout between 0 and 60 us: about as long as a hand-off, so both outcomes are common.
std::chrono::microseconds random_timeout(std::minstd_rand& random) {
  return std::chrono::microseconds(random() % 61);
}

// What happened to each value 0..kValues-1: whether its send reported it sent (written once,
// by its producer), and how often it was received.
struct ledger {
  std::vector<std::atomic<int>> sent = std::vector<std::atomic<int>>(kValues);
  std::vector<std::atomic<int>> received = std::vector<std::atomic<int>>(kValues);
  std::atomic<int> timed_out_sends{0};
  std::atomic<int> timed_out_recvs{0};

  void check() const {
    for (int v = 0; v < kValues; ++v) {
      const auto i = static_cast<std::size_t>(v);
      ASSERT_EQ(received[i].load(), sent[i].load())
          << "value " << v << (sent[i].load() == 1 ? " was sent but not received exactly once"
                                                   : " timed out but was received");
    }
  }
};

// How a party talks to the two channels: plain timed operations on `a`, or timed selects over
// `a` and `b`.
enum class style { timed_ops, timed_select };

void produce(int producer, style how, chan::channel<int>& a, chan::channel<int>& b, ledger& book) {
  std::minstd_rand random(static_cast<std::uint32_t>(producer * 7919 + 1));
  for (int i = 0; i < kPerProducer; ++i) {
    const int value = producer * kPerProducer + i;
    const auto index = static_cast<std::size_t>(value);
    bool sent = false;
    if (how == style::timed_ops || i % 2 == 0) {
      const chan::send_status status = a.send_for(int{value}, random_timeout(random));
      ASSERT_NE(status, chan::send_status::closed);
      sent = status == chan::send_status::sent;
    } else {
      const std::size_t which =
          chan::select_for(random_timeout(random), chan::send(a, value), chan::send(b, value));
      ASSERT_TRUE(which == 0 || which == 1 || which == chan::kTimedOut);
      sent = which != chan::kTimedOut;
    }
    book.sent[index].store(sent ? 1 : 0);
    if (!sent) book.timed_out_sends.fetch_add(1, std::memory_order_relaxed);
  }
}

// Receives until both channels are closed and drained.
void consume(int consumer, style how, chan::channel<int>& a, chan::channel<int>& b, ledger& book) {
  std::minstd_rand random(static_cast<std::uint32_t>(consumer * 104729 + 3));
  auto take = [&](int value) {
    book.received.at(static_cast<std::size_t>(value)).fetch_add(1, std::memory_order_relaxed);
  };
  bool a_open = true;
  bool b_open = true;
  while (a_open || b_open) {
    if (how == style::timed_ops) {
      chan::channel<int>& ch = a_open ? a : b;
      const chan::recv_result<int> r = ch.recv_for(random_timeout(random));
      if (r.status == chan::recv_status::received) {
        take(*r.value);
      } else if (r.status == chan::recv_status::closed) {
        (a_open ? a_open : b_open) = false;
      } else {
        ASSERT_FALSE(r.value.has_value()) << "a timed-out recv returned a value";
        book.timed_out_recvs.fetch_add(1, std::memory_order_relaxed);
      }
    } else {
      const std::size_t which = chan::select_for(
          random_timeout(random),
          chan::recv(a_open ? &a : nullptr, [&](std::optional<int> v) {
            if (v) take(*v); else a_open = false;
          }),
          chan::recv(b_open ? &b : nullptr, [&](std::optional<int> v) {
            if (v) take(*v); else b_open = false;
          }));
      if (which == chan::kTimedOut) book.timed_out_recvs.fetch_add(1, std::memory_order_relaxed);
    }
  }
}

void race_timeouts(exec::fast_pool& pool, fiber::timer_service& timers, std::size_t capacity,
                   style producers_style, style consumers_style) {
  chan::channel<int> a(capacity);
  chan::channel<int> b(capacity);
  ledger book;
  fiber::options opts;
  opts.timers = &timers;
  fiber::sync::wait_group producers;
  fiber::sync::wait_group consumers;
  producers.add(kFiberProducers);
  consumers.add(kFiberConsumers);
  for (int p = 0; p < kFiberProducers; ++p) {
    fiber::go(pool, [&, p] {
      produce(p, producers_style, a, b, book);
      producers.done();
    }, opts);
  }
  for (int c = 0; c < kFiberConsumers; ++c) {
    fiber::go(pool, [&, c] {
      consume(c, consumers_style, a, b, book);
      consumers.done();
    }, opts);
  }
  std::vector<std::thread> threads;
  for (int p = kFiberProducers; p < kProducers; ++p) {
    threads.emplace_back([&, p] { produce(p, producers_style, a, b, book); });
  }
  for (int c = kFiberConsumers; c < kFiberConsumers + kThreadConsumers; ++c) {
    threads.emplace_back([&, c] { consume(c, consumers_style, a, b, book); });
  }
  producers.wait();
  for (int p = 0; p < kThreadProducers; ++p) threads[static_cast<std::size_t>(p)].join();
  a.close();
  b.close();
  consumers.wait();
  for (std::size_t t = kThreadProducers; t < threads.size(); ++t) threads[t].join();
  book.check();
}

class ChanTimedStress : public testing::Test {
 protected:
  ~ChanTimedStress() override {
    timers_.stop();
    pool_.stop();
  }
  fiber::timer_service timers_;
  exec::fast_pool pool_{two_workers()};
};

TEST_F(ChanTimedStress, TimedSendAndRecvUnbuffered) {
  test::repeat_within_budget(100, [&](std::size_t) {
    race_timeouts(pool_, timers_, 0, style::timed_ops, style::timed_ops);
  });
}

TEST_F(ChanTimedStress, TimedSendAndRecvBuffered) {
  test::repeat_within_budget(100, [&](std::size_t i) {
    race_timeouts(pool_, timers_, 1 + i % 4, style::timed_ops, style::timed_ops);
  });
}

TEST_F(ChanTimedStress, TimedSelectsOnBothSides) {
  test::repeat_within_budget(100, [&](std::size_t i) {
    race_timeouts(pool_, timers_, i % 2, style::timed_select, style::timed_select);
  });
}

TEST_F(ChanTimedStress, TimedSendsAgainstTimedSelects) {
  test::repeat_within_budget(100, [&](std::size_t i) {
    race_timeouts(pool_, timers_, i % 2, style::timed_ops, style::timed_select);
    race_timeouts(pool_, timers_, i % 2, style::timed_select, style::timed_ops);
  });
}

// Untimed parties mixed with timed ones: plain recvs (CH.PARK1, the hot path) and a plain
// sending thread against timed senders — every sent value arrives once, timed-out ones never.
TEST_F(ChanTimedStress, UntimedReceiversAgainstTimedSenders) {
  test::repeat_within_budget(100, [&](std::size_t i) {
    chan::channel<int> ch(i % 2);
    ledger book;
    fiber::options opts;
    opts.timers = &timers_;
    fiber::sync::wait_group producers;
    fiber::sync::wait_group consumers;
    producers.add(kFiberProducers);
    consumers.add(kFiberConsumers);
    for (int p = 0; p < kFiberProducers; ++p) {
      fiber::go(pool_, [&, p] {
        std::minstd_rand random(static_cast<std::uint32_t>(p + 11));
        for (int k = 0; k < kPerProducer; ++k) {
          const int value = p * kPerProducer + k;
          const bool sent = ch.send_for(int{value}, random_timeout(random)) == chan::send_status::sent;
          book.sent[static_cast<std::size_t>(value)].store(sent ? 1 : 0);
        }
        producers.done();
      }, opts);
    }
    for (int c = 0; c < kFiberConsumers; ++c) {
      fiber::go(pool_, [&] {
        while (std::optional<int> v = ch.recv()) {
          book.received.at(static_cast<std::size_t>(*v)).fetch_add(1);
        }
        consumers.done();
      }, opts);
    }
    // The other producers' values, sent untimed from a plain thread: always delivered.
    std::thread plain([&] {
      for (int v = kFiberProducers * kPerProducer; v < kValues; ++v) {
        EXPECT_EQ(ch.send(int{v}), chan::send_status::sent);
        book.sent[static_cast<std::size_t>(v)].store(1);
      }
    });
    producers.wait();
    plain.join();
    ch.close();
    consumers.wait();
    book.check();
  });
}

}  // namespace
