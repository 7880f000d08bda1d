// Stress tests of core::intrusive::mpsc_stack on real threads: several producers push
// distinct nodes while a consumer keeps taking them all; every node must arrive exactly once,
// each producer's nodes in its push order once a batch is reversed.
#include <cstddef>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/core/intrusive/mpsc_stack.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/thread.hpp>

#include "stress.hpp"

namespace intrusive = spindle::core::intrusive;
namespace twist = spindle::twist;
namespace test = spindle::test;

namespace {

struct message : intrusive::forward_hook<> {
  std::size_t producer = 0;
  std::size_t seq = 0;  // position in its producer's push order
};

}  // namespace

TEST(MpscStackStress, EveryNodeArrivesOnceInPerProducerOrder) {
  constexpr std::size_t kPerProducer = 2000;
  const std::size_t producers = test::stress_threads(3);
  const std::size_t total = producers * kPerProducer;

  std::size_t runs = test::repeat_within_budget(1000, [&](std::size_t) {
    std::vector<std::vector<message>> nodes(producers, std::vector<message>(kPerProducer));
    for (std::size_t p = 0; p < producers; ++p) {
      for (std::size_t s = 0; s < kPerProducer; ++s) {
        nodes[p][s].producer = p;
        nodes[p][s].seq = s;
      }
    }
    intrusive::mpsc_stack<message> stack;
    twist::atomic<std::size_t> pushes_onto_empty{0};

    std::vector<twist::thread> threads;
    for (std::size_t p = 0; p < producers; ++p) {
      threads.emplace_back([&, p] {
        for (message& m : nodes[p]) {
          if (stack.push(m)) pushes_onto_empty.fetch_add(1, std::memory_order_relaxed);
        }
      });
    }

    // The consumer: this thread.
    std::vector<std::size_t> next_seq(producers, 0);
    std::size_t received = 0;
    std::size_t nonempty_batches = 0;
    std::size_t order_violations = 0;
    while (received < total) {
      auto batch = stack.pop_all();
      if (batch.empty()) {
        twist::this_thread::yield();
        continue;
      }
      ++nonempty_batches;
      // Newest first: within a batch each producer's sequence numbers strictly decrease.
      std::vector<std::size_t> last_in_batch(producers, kPerProducer);
      for (const message& m : batch) {
        if (m.seq >= last_in_batch[m.producer]) ++order_violations;
        last_in_batch[m.producer] = m.seq;
      }
      batch.reverse();  // oldest first: continues each producer's sequence exactly
      while (message* m = batch.pop_front()) {
        ASSERT_LT(m->producer, producers);
        ASSERT_EQ(m->seq, next_seq[m->producer])
            << "producer " << m->producer << ": a node was lost, duplicated or reordered";
        ++next_seq[m->producer];
        ++received;
      }
    }
    for (auto& t : threads) t.join();

    EXPECT_EQ(order_violations, 0u) << "a LIFO batch was not newest-first per producer";
    EXPECT_TRUE(stack.pop_all().empty()) << "nodes arrived beyond the ones pushed";
    for (std::size_t p = 0; p < producers; ++p) EXPECT_EQ(next_seq[p], kPerProducer);
    // Each chain a pop_all takes was started by exactly one push that found the stack empty.
    EXPECT_EQ(pushes_onto_empty.load(), nonempty_batches);
  });
  EXPECT_GE(runs, 1u);
}

TEST(MpscStackStress, PopAllFifoKeepsPerProducerOrderAcrossBatches) {
  constexpr std::size_t kPerProducer = 1000;
  const std::size_t producers = test::stress_threads(3);

  test::repeat_within_budget(1000, [&](std::size_t) {
    std::vector<std::vector<message>> nodes(producers, std::vector<message>(kPerProducer));
    intrusive::mpsc_stack<message> stack;
    std::vector<twist::thread> threads;
    for (std::size_t p = 0; p < producers; ++p) {
      threads.emplace_back([&, p] {
        for (std::size_t s = 0; s < kPerProducer; ++s) {
          nodes[p][s].producer = p;  // written before the push publishes it
          nodes[p][s].seq = s;
          stack.push(nodes[p][s]);
        }
      });
    }
    std::vector<std::size_t> next_seq(producers, 0);
    std::size_t received = 0;
    while (received < producers * kPerProducer) {
      auto batch = stack.pop_all_fifo();
      if (batch.empty()) twist::this_thread::yield();
      while (message* m = batch.pop_front()) {
        ASSERT_EQ(m->seq, next_seq[m->producer]);
        ++next_seq[m->producer];
        ++received;
      }
    }
    for (auto& t : threads) t.join();
    for (std::size_t p = 0; p < producers; ++p) EXPECT_EQ(next_seq[p], kPerProducer);
  });
}
