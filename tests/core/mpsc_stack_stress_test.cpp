// Stress tests of core::intrusive::mpsc_stack on real threads: several producers push
// distinct nodes while a consumer keeps taking them all; every node must arrive exactly once,
// each producer's nodes in its push order once a batch is reversed.
#include <cstddef>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/core/intrusive/mpsc_stack.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/thread.hpp>

#include "start_gate.hpp"
#include "stress.hpp"

namespace intrusive = spindle::core::intrusive;
namespace twist = spindle::twist;
namespace test = spindle::test;

namespace {

struct message : intrusive::forward_hook<> {
  std::size_t producer = 0;
  std::size_t seq = 0;  // position in its producer's push order
};

// What the consumer saw, checked once every thread has been joined.
struct consumer_log {
  explicit consumer_log(std::size_t producers) : next_seq(producers, 0) {}

  // Takes `m`, which must continue its producer's sequence.
  void receive(const message& m) {
    ++received;
    if (m.producer >= next_seq.size()) {
      ++foreign;
    } else if (m.seq != next_seq[m.producer]++) {
      ++out_of_sequence;
      next_seq[m.producer] = m.seq + 1;
    }
  }

  std::vector<std::size_t> next_seq;  // per producer: the seq expected next
  std::size_t received = 0;
  std::size_t foreign = 0;            // nodes no producer pushed
  std::size_t out_of_sequence = 0;    // lost, duplicated or reordered
};

// Runs `producers` threads that push their nodes (each after the start gate, each counting
// itself done after its last push) and calls consume(batch_taker) on this thread until every
// producer is done and the stack is empty.
template <class Push, class Consume>
void run_producers_and_consumer(std::size_t producers, intrusive::mpsc_stack<message>& stack,
                                Push push, Consume consume) {
  test::start_gate gate(producers + 1);
  twist::atomic<std::size_t> producers_done{0};
  std::vector<twist::thread> threads;
  for (std::size_t p = 0; p < producers; ++p) {
    threads.emplace_back([&, p] {
      gate.arrive_and_wait();
      push(p);
      // release: pairs with the consumer's acquire load, so all p's pushes happen-before it.
      producers_done.fetch_add(1, std::memory_order_release);
    });
  }
  gate.arrive_and_wait();
  for (;;) {
    // acquire: read before pop_all, so an empty pop_all after it means every node was taken.
    bool all_pushed = producers_done.load(std::memory_order_acquire) == producers;
    if (!consume(stack) && all_pushed) break;
    twist::this_thread::yield();
  }
  for (auto& t : threads) t.join();
}

}  // namespace

TEST(MpscStackStress, EveryNodeArrivesOnceInPerProducerOrder) {
  constexpr std::size_t kPerProducer = 2000;
  const std::size_t producers = test::stress_threads(3);

  std::size_t runs = test::repeat_within_budget(1000, [&](std::size_t) {
    if (testing::Test::HasFailure()) return;  // report the first failing run only
    std::vector<std::vector<message>> nodes(producers, std::vector<message>(kPerProducer));
    for (std::size_t p = 0; p < producers; ++p) {
      for (std::size_t s = 0; s < kPerProducer; ++s) {
        nodes[p][s].producer = p;
        nodes[p][s].seq = s;
      }
    }
    intrusive::mpsc_stack<message> stack;
    twist::atomic<std::size_t> pushes_onto_empty{0};
    consumer_log log(producers);
    std::size_t nonempty_batches = 0;
    std::size_t lifo_violations = 0;

    run_producers_and_consumer(
        producers, stack,
        [&](std::size_t p) {
          for (message& m : nodes[p]) {
            if (stack.push(m)) pushes_onto_empty.fetch_add(1, std::memory_order_relaxed);
          }
        },
        [&](intrusive::mpsc_stack<message>& s) {
          auto batch = s.pop_all();
          if (batch.empty()) return false;
          ++nonempty_batches;
          // Newest first: within a batch each producer's sequence numbers strictly decrease.
          std::vector<std::size_t> last_in_batch(producers, kPerProducer);
          for (const message& m : batch) {
            if (m.producer < producers) {
              if (m.seq >= last_in_batch[m.producer]) ++lifo_violations;
              last_in_batch[m.producer] = m.seq;
            }
          }
          batch.reverse();  // oldest first: continues each producer's sequence exactly
          while (message* m = batch.pop_front()) log.receive(*m);
          return true;
        });

    EXPECT_EQ(log.received, producers * kPerProducer);
    EXPECT_EQ(log.foreign, 0u);
    EXPECT_EQ(log.out_of_sequence, 0u) << "a node was lost, duplicated or reordered";
    EXPECT_EQ(lifo_violations, 0u) << "a pop_all batch was not newest-first per producer";
    for (std::size_t p = 0; p < producers; ++p) EXPECT_EQ(log.next_seq[p], kPerProducer);
    // Each chain a pop_all takes was started by exactly one push that found the stack empty.
    EXPECT_EQ(pushes_onto_empty.load(), nonempty_batches);
  });
  EXPECT_GE(runs, 1u);
}

TEST(MpscStackStress, PopAllFifoKeepsPerProducerOrderAcrossBatches) {
  constexpr std::size_t kPerProducer = 2000;
  const std::size_t producers = test::stress_threads(3);

  test::repeat_within_budget(1000, [&](std::size_t) {
    if (testing::Test::HasFailure()) return;  // report the first failing run only
    std::vector<std::vector<message>> nodes(producers, std::vector<message>(kPerProducer));
    intrusive::mpsc_stack<message> stack;
    consumer_log log(producers);

    run_producers_and_consumer(
        producers, stack,
        [&](std::size_t p) {
          for (std::size_t s = 0; s < kPerProducer; ++s) {
            nodes[p][s].producer = p;  // written by the producer: push must publish them
            nodes[p][s].seq = s;
            stack.push(nodes[p][s]);
          }
        },
        [&](intrusive::mpsc_stack<message>& s) {
          auto batch = s.pop_all_fifo();
          if (batch.empty()) return false;
          while (message* m = batch.pop_front()) log.receive(*m);
          return true;
        });

    EXPECT_EQ(log.received, producers * kPerProducer);
    EXPECT_EQ(log.foreign, 0u);
    EXPECT_EQ(log.out_of_sequence, 0u) << "a node was lost, duplicated or reordered";
    for (std::size_t p = 0; p < producers; ++p) EXPECT_EQ(log.next_seq[p], kPerProducer);
  });
}
