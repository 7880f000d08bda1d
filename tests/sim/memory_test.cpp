// The simulator's memory checker (sim/src/memory.cpp): leaks, double frees and facade accesses
// to freed blocks are reported with who allocated and who freed; correct programs (standard
// containers growing inside simulated threads, thread closures) report nothing; injected
// allocation failures are explored and replay from the token.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <new>
#include <regex>
#include <string>
#include <vector>

#include <spindle/base/config.hpp>
#include <spindle/sim/explore.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/shared.hpp>
#include <spindle/twist/thread.hpp>

namespace spindle {
namespace {

using namespace std::chrono_literals;

sim::options quick(std::size_t runs = 200) {
  sim::options opts;
  opts.max_runs = runs;
  opts.time_budget = 2000ms;
  opts.progress = false;
  return opts;
}

// Keeps the optimizer from eliding a new/delete pair (gcc's -fallocation-dce).
void escape(const void* p) { asm volatile("" : : "r"(p) : "memory"); }

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

struct leaky {
  char bytes[40];
};

// Blocks leaked by the runs of a test, freed after explore() returns: a forgotten block is a
// plain malloc block (and LeakSanitizer stays quiet). Reserved up front: growing it inside a
// run would be a leak of its own.
std::vector<void*>& leaked_blocks() {
  static std::vector<void*> blocks = [] {
    std::vector<void*> v;
    v.reserve(4096);
    return v;
  }();
  return blocks;
}

void free_leaked_blocks() {
  for (void* p : leaked_blocks()) delete static_cast<leaky*>(p);
  leaked_blocks().clear();
}

void leak_one_block_in_a_thread() {
  twist::thread t([] { leaked_blocks().push_back(new leaky{}); });
  t.join();
}

TEST(Memory, LeakIsReportedWithSizeThreadAndSite) {
  leaked_blocks();  // constructed outside the run
  const sim::result r = sim::explore(quick(), leak_one_block_in_a_thread);
  free_leaked_blocks();
  ASSERT_EQ(r.outcome, sim::outcome::memory_leak) << r.report;
  EXPECT_TRUE(contains(r.report, "memory leak: 1 block (40 bytes)")) << r.report;
  EXPECT_TRUE(contains(r.report, "40 bytes (allocation #")) << r.report;
  EXPECT_TRUE(contains(r.report, "allocated by T1 after step")) << r.report;
  // The site names the test program, in a form addr2line takes.
  EXPECT_TRUE(contains(r.report, "addr2line -e ")) << r.report;
  EXPECT_TRUE(contains(r.report, "sim_memory_test")) << r.report;
  const sim::result again = sim::replay(r.token, quick(), leak_one_block_in_a_thread);
  free_leaked_blocks();
  EXPECT_EQ(again.outcome, sim::outcome::memory_leak) << again.report;
}

TEST(Memory, ProgramThatFreesEverythingHasNoLeak) {
  struct alignas(64) wide {
    int value = 0;
  };
  const sim::result r = sim::explore(quick(), [] {
    twist::atomic<std::size_t> total{0};
    const auto work = [&total](int n) {
      std::vector<int> numbers;
      std::string text;
      for (int i = 0; i < n; ++i) {
        numbers.push_back(i);  // growth: reallocations inside a simulated thread
        text += "abcdefgh";
      }
      // Captures too large for std::function's small buffer: a heap closure.
      const std::function<std::size_t()> size = [numbers, text] {
        return numbers.size() + text.size();
      };
      auto shared = std::make_shared<std::string>(text);
      auto aligned = std::make_unique<wide[]>(3);  // aligned new[] / delete[]
      int* maybe = new (std::nothrow) int(n);
      escape(maybe);
      delete maybe;
      total.fetch_add(size() + shared->size() + static_cast<std::size_t>(aligned[0].value));
    };
    twist::thread a(work, 20);  // the closures of the threads are allocated and freed here too
    twist::thread b(work, 30);
    a.join();
    b.join();
    SPINDLE_VERIFY(total.load() == 20 * 17 + 30 * 17, "every thread added its sizes");
  });
  EXPECT_TRUE(r.ok()) << r.report;
  EXPECT_EQ(r.runs, 200u);
}

TEST(Memory, DoubleFreeIsReported) {
  const sim::result r = sim::explore(quick(), [] {
    int* p = new int(7);
    twist::thread a([p] { delete p; });
    twist::thread b([p] { delete p; });
    a.join();
    b.join();
  });
  ASSERT_EQ(r.outcome, sim::outcome::double_free) << r.report;
  EXPECT_TRUE(contains(r.report, "double free: T")) << r.report;
  EXPECT_TRUE(contains(r.report, "a block of 4 bytes")) << r.report;
  EXPECT_TRUE(contains(r.report, "allocated by T0 after step")) << r.report;
  EXPECT_TRUE(std::regex_search(r.report, std::regex("freed by T[12] after step [0-9]+")))
      << r.report;
}

struct box {
  twist::atomic<int> value{1};
};

// The reader loads through a pointer the other thread may already have deleted.
void load_after_delete() {
  box* shared = new box;
  twist::atomic<bool> done{false};
  twist::thread reader([shared] { static_cast<void>(shared->value.load()); });
  twist::thread deleter([shared, &done] {
    done.store(true);
    delete shared;
  });
  reader.join();
  deleter.join();
  static_cast<void>(done.load());
}

TEST(Memory, UseAfterFreeNamesBothSteps) {
  const sim::result r = sim::explore(quick(), load_after_delete);
  ASSERT_EQ(r.outcome, sim::outcome::use_after_free) << r.report;
  EXPECT_TRUE(contains(r.report, "use after free: T1")) << r.report;
  std::smatch steps;
  ASSERT_TRUE(std::regex_search(
      r.report, steps,
      std::regex("allocated by T0 after step ([0-9]+) .*freed by T2 after step ([0-9]+)")))
      << r.report;
  // Allocated before the threads were spawned, freed after the deleter's store.
  EXPECT_LT(std::stoi(steps[1]), std::stoi(steps[2])) << r.report;
  const sim::result again = sim::replay(r.token, quick(), load_after_delete);
  EXPECT_EQ(again.outcome, sim::outcome::use_after_free) << again.report;
}

TEST(Memory, SharedCellInAFreedBlockIsAUseAfterFree) {
  struct cell_box {
    twist::shared<int> cell{0};
  };
  const sim::result r = sim::explore(quick(), [] {
    auto* stale = new cell_box;
    twist::atomic<bool> freed{false};
    twist::thread writer([stale, &freed] {
      while (!freed.load()) twist::this_thread::yield();
      stale->cell.write(1);
    });
    delete stale;
    freed.store(true);
    writer.join();
  });
  ASSERT_EQ(r.outcome, sim::outcome::use_after_free) << r.report;
  EXPECT_TRUE(contains(r.report, "use after free: T1 writes a shared cell")) << r.report;
  EXPECT_TRUE(contains(r.report, "freed by T0 after step")) << r.report;
}

TEST(Memory, HandledAllocationFailurePasses) {
  sim::options opts = quick();
  opts.faults.allocation_failure = true;
  int thrown = 0;
  int null_returned = 0;
  const sim::result r = sim::explore(opts, [&] {
    std::vector<std::unique_ptr<int>> kept;
    for (int i = 0; i < 8; ++i) {
      try {
        kept.push_back(std::make_unique<int>(i));
      } catch (const std::bad_alloc&) {
        ++thrown;
      }
      int* maybe = new (std::nothrow) int(i);
      escape(maybe);
      if (maybe == nullptr) ++null_returned;
      delete maybe;
    }
  });
  EXPECT_TRUE(r.ok()) << r.report;
  // Failures were injected, in both forms (with 1 in 16, hundreds of chances).
  EXPECT_GT(thrown, 0);
  EXPECT_GT(null_returned, 0);
}

void keep_four_numbers() {
  std::vector<std::unique_ptr<int>> kept;
  for (int i = 0; i < 4; ++i) kept.push_back(std::make_unique<int>(i));
}

TEST(Memory, UnhandledAllocationFailureIsReportedAndReplays) {
  sim::options opts = quick();
  opts.faults.allocation_failure = true;
  const sim::result r = sim::explore(opts, keep_four_numbers);
  ASSERT_EQ(r.outcome, sim::outcome::uncaught_exception) << r.report;
  EXPECT_TRUE(contains(r.report, "std::bad_alloc")) << r.report;
  ASSERT_FALSE(r.token.empty());
  const sim::result again = sim::replay(r.token, opts, keep_four_numbers);
  EXPECT_EQ(again.outcome, sim::outcome::uncaught_exception) << again.report;
  EXPECT_TRUE(contains(again.report, "std::bad_alloc")) << again.report;
  // Without injection the same program is fine.
  EXPECT_TRUE(sim::explore(quick(), keep_four_numbers).ok());
}

TEST(Memory, NothingIsReportedWhenTheCheckerIsOff) {
  sim::options opts = quick(20);
  opts.detect.memory = false;
  leaked_blocks();
  const sim::result r = sim::explore(opts, leak_one_block_in_a_thread);
  free_leaked_blocks();
  EXPECT_TRUE(r.ok()) << r.report;
}

TEST(Memory, MemoryAllocatedBeforeTheRunMayBeFreedInside) {
  // One block per run (the first run is run twice: the determinism check).
  std::vector<int*> before_the_run;
  for (int i = 0; i < 64; ++i) before_the_run.push_back(new int(i));
  const std::size_t allocated = before_the_run.size();
  const sim::result r = sim::explore(quick(16), [&before_the_run] {
    int* p = before_the_run.back();
    before_the_run.pop_back();
    twist::thread t([p] { delete p; });
    t.join();
  });
  EXPECT_TRUE(r.ok()) << r.report;
  EXPECT_EQ(allocated - before_the_run.size(), r.runs + 1);
  for (int* p : before_the_run) delete p;
}

TEST(Memory, RunFreeingMoreThanTheQuarantineHoldsPasses) {
  sim::options opts = quick(1);
  const sim::result r = sim::explore(opts, [] {
    for (int i = 0; i < 120'000; ++i) {
      int* p = new int(i);
      escape(p);
      delete p;
    }
  });
  EXPECT_TRUE(r.ok()) << r.report;
}

}  // namespace
}  // namespace spindle
