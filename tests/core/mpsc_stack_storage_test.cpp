// Storage tests of core::intrusive::mpsc_stack (STACK2, STACK3 in mpsc_stack.hpp): a consumer
// frees nodes, and the stack itself, the moment it has taken them, while producers go on.
// A producer that touched a node or the stack after its publishing CAS would be a
// use-after-free that ASAN reports (and TSAN a race).
#include <cstddef>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/core/intrusive/mpsc_stack.hpp>
#include <spindle/twist/thread.hpp>

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
    intrusive::mpsc_stack<heap_message> stack;
    std::vector<twist::thread> threads;
    for (std::size_t p = 0; p < producers; ++p) {
      threads.emplace_back([&, p] {
        for (std::size_t i = 0; i < kPerProducer; ++i) stack.push(*new heap_message(p));
      });
    }
    std::size_t freed = 0;
    std::vector<std::size_t> per_producer(producers, 0);
    while (freed < producers * kPerProducer) {
      auto batch = stack.pop_all();
      if (batch.empty()) twist::this_thread::yield();
      while (heap_message* m = batch.pop_front()) {
        ASSERT_LT(m->value, producers);
        ++per_producer[m->value];
        delete m;  // at once: producers may still be pushing onto nodes above it
        ++freed;
      }
    }
    for (auto& t : threads) t.join();
    for (std::size_t p = 0; p < producers; ++p) EXPECT_EQ(per_producer[p], kPerProducer);
    EXPECT_TRUE(stack.empty());
  });
}

TEST(MpscStackStorage, StackDestroyedRightAfterTheLastPop) {
  test::repeat_within_budget(20000, [](std::size_t) {
    auto* stack = new intrusive::mpsc_stack<heap_message>;
    auto* first = new heap_message(1);
    auto* last = new heap_message(2);
    twist::thread producer([stack, first, last] {
      stack->push(*first);
      stack->push(*last);  // after this CAS the consumer may delete the stack and the nodes
    });
    std::size_t taken = 0;
    while (taken < 2) {
      auto batch = stack->pop_all();
      while (heap_message* m = batch.pop_front()) {
        delete m;
        ++taken;
      }
    }
    delete stack;  // the producer thread may not have returned from push yet
    producer.join();
  });
}
