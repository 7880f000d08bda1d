// RapidCheck properties that take the schedule seed as a generated value.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <deque>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <spindle/base/config.hpp>
#include <spindle/core/intrusive/mpsc_stack.hpp>
#include <spindle/testing/rapidcheck.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/shared.hpp>
#include <spindle/twist/thread.hpp>

namespace core = spindle::core;
namespace sim = spindle::sim;
namespace twist = spindle::twist;

namespace {

struct item : core::intrusive::forward_hook<> {
  twist::shared<int> value{0};
};

// Two producers push the generated values; the consumer must see each exactly once.
void push_and_drain(const std::vector<int>& first, const std::vector<int>& second) {
  core::intrusive::mpsc_stack<item> stack;
  std::deque<item> items(first.size() + second.size());
  auto produce = [&](const std::vector<int>& values, std::size_t offset) {
    for (std::size_t i = 0; i < values.size(); ++i) {
      items[offset + i].value.write(values[i]);
      stack.push(items[offset + i]);
    }
  };
  twist::thread a(produce, std::cref(first), std::size_t{0});
  twist::thread b(produce, std::cref(second), first.size());
  std::vector<int> seen;
  while (seen.size() < items.size()) {
    for (item& i : stack.pop_all_fifo()) seen.push_back(i.value.read());
    twist::this_thread::yield();
  }
  a.join();
  b.join();
  std::vector<int> expected = first;
  expected.insert(expected.end(), second.begin(), second.end());
  std::sort(expected.begin(), expected.end());
  std::sort(seen.begin(), seen.end());
  SPINDLE_VERIFY(seen == expected, "a value was lost or duplicated");
}

RC_GTEST_PROP(SimProperty, MpscStackDeliversEveryValueUnderAnySchedule,
              (spindle::testing::schedule_seed seed)) {
  const auto values = [] {
    return *rc::gen::container<std::vector<int>>(*rc::gen::inRange<std::size_t>(0, 5),
                                                 rc::gen::arbitrary<int>());
  };
  const std::vector<int> first = values();
  const std::vector<int> second = values();
  sim::options opts;
  opts.max_runs = 4;
  const sim::result r = spindle::testing::explore_seed(seed, opts, [&] { push_and_drain(first, second); });
  RC_LOG() << r.report;
  RC_ASSERT(r.ok());
}

// A broken counter: the property fails, and RapidCheck shrinks the generated input.
TEST(SimProperty, FailingPropertyIsFoundAndShrunk) {
  std::atomic<int> smallest_failing{1 << 30};
  const bool passed = rc::check("lost updates", [&](spindle::testing::schedule_seed seed) {
    const int increments = *rc::gen::inRange(1, 6);
    sim::options opts;
    opts.max_runs = 50;
    opts.shrink = false;
    const sim::result r = spindle::testing::explore_seed(seed, opts, [&] {
      twist::atomic<int> counter{0};
      auto add = [&] {
        for (int i = 0; i < increments; ++i) counter.store(counter.load() + 1);
      };
      twist::thread t(add);
      add();
      t.join();
      SPINDLE_VERIFY(counter.load() == 2 * increments, "lost update");
    });
    if (!r.ok()) smallest_failing = std::min(smallest_failing.load(), increments);
    RC_ASSERT(r.ok());
  });
  EXPECT_FALSE(passed);
  EXPECT_EQ(smallest_failing.load(), 1);  // shrunk to the smallest input that still fails
}

}  // namespace
