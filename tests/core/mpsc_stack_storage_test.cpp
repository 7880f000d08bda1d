// Storage tests of core::intrusive::mpsc_stack (MS.STACK2, MS.STACK3 in mpsc_stack.hpp): a consumer
// frees nodes, and the stack itself, the moment it has taken them, while producers go on.
// A producer that touched a node or the stack after its publishing CAS would be a
// use-after-free that ASAN reports (and TSAN a race).
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

struct heap_message : intrusive::forward_hook<> {
  explicit heap_message(std::size_t v) : value(v) {}
  std::size_t value;
};

}  // namespace

TEST(MpscStackStorage, ConsumerFreesHeapNodesRightAfterPopping) {
  constexpr std::size_t kPerProducer = 2000;
  const std::size_t producers = test::stress_threads(3);

  test::repeat_within_budget(1000, [&](std::size_t) {
    if (testing::Test::HasFailure()) return;  // report the first failing run only
    intrusive::mpsc_stack<heap_message> stack;
    test::start_gate gate(producers + 1);
    twist::atomic<std::size_t> producers_done{0};
    std::vector<twist::thread> threads;
    for (std::size_t p = 0; p < producers; ++p) {
      threads.emplace_back([&, p] {
        gate.arrive_and_wait();
        for (std::size_t i = 0; i < kPerProducer; ++i) stack.push(*new heap_message(p));
        // release: pairs with the consumer's acquire load (all p's pushes happen-before it).
        producers_done.fetch_add(1, std::memory_order_release);
      });
    }
    gate.arrive_and_wait();
    std::vector<std::size_t> per_producer(producers, 0);
    std::size_t foreign = 0;
    for (;;) {
      bool all_pushed = producers_done.load(std::memory_order_acquire) == producers;
      auto batch = stack.pop_all();
      if (batch.empty()) {
        if (all_pushed) break;
        twist::this_thread::yield();
      }
      while (heap_message* m = batch.pop_front()) {
        if (m->value < producers) {
          ++per_producer[m->value];
        } else {
          ++foreign;
        }
        delete m;  // at once: producers may still be pushing onto nodes above it
      }
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(foreign, 0u);
    for (std::size_t p = 0; p < producers; ++p) EXPECT_EQ(per_producer[p], kPerProducer);
  });
}

TEST(MpscStackStorage, StackDestroyedRightAfterTheLastPop) {
  test::repeat_within_budget(20000, [](std::size_t) {
    if (testing::Test::HasFailure()) return;  // report the first failing run only
    auto* stack = new intrusive::mpsc_stack<heap_message>;
    auto* first = new heap_message(1);
    auto* last = new heap_message(2);
    twist::atomic<bool> pushed{false};  // lets a lost node end the test instead of hanging it
    twist::thread producer([stack, first, last, &pushed] {
      stack->push(*first);
      stack->push(*last);  // after this CAS the consumer may delete the stack and the nodes
      pushed.store(true, std::memory_order_release);  // release: pairs with the acquire below
    });
    std::size_t taken = 0;
    for (;;) {
      bool all_pushed = pushed.load(std::memory_order_acquire);
      auto batch = stack->pop_all();
      bool got_any = !batch.empty();
      while (heap_message* m = batch.pop_front()) {
        delete m;
        ++taken;
      }
      if (taken >= 2 || (all_pushed && !got_any)) break;
    }
    delete stack;  // without waiting for the producer, which may still be inside push()
    producer.join();
    EXPECT_EQ(taken, 2u);
  });
}
