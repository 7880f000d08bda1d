// Faulty mode's reproducibility promise: a seed determines each thread's fault sequence.
//   - in one process: the same seed replays the same sequence on a thread, another seed differs;
//   - across processes (Linux): SPINDLE_FAULTY_SEED=<s> gives every thread — main and the
//     twist::threads it creates — the same faults in two runs, and another seed does not.
#include <cstdint>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/twist/atomic.hpp>
#include <spindle/twist/faulty/config.hpp>
#include <spindle/twist/futex.hpp>
#include <spindle/twist/mutex.hpp>
#include <spindle/twist/random.hpp>
#include <spindle/twist/shared.hpp>
#include <spindle/twist/thread.hpp>

#include "child_process.hpp"
#include "faulty_support.hpp"

namespace twist = spindle::twist;
namespace faulty = spindle::twist::faulty;
using spindle::test::fault_recorder;

namespace {

constexpr std::uint64_t kSeedA = 0x5eed'0001;
constexpr std::uint64_t kSeedB = 0x5eed'0002;
constexpr int kOperations = 2000;

// Frequent faults of every kind, but no sleeps: the sequence, not the timing, is under test.
faulty::fault_rates frequent_faults() {
  faulty::fault_rates rates = spindle::test::no_faults();
  rates.yield_one_in = 4;
  rates.spurious_one_in = 4;
  rates.wake_all_one_in = 4;
  return rates;
}

// A single-threaded mix of facade operations; everything it touches is private to the calling
// thread, so the only thing that can change its faults is the injector.
void private_workload() {
  twist::atomic<std::uint32_t> word{0};
  twist::mutex mu;
  twist::shared<int> cell{0};
  for (int i = 0; i < kOperations; ++i) {
    std::uint32_t expected = word.load(std::memory_order_relaxed);
    while (!word.compare_exchange_weak(expected, expected + 1)) {
    }
    word.fetch_add(1, std::memory_order_relaxed);
    twist::futex::wake_one(twist::futex::prepare_wake(word));
    if (mu.try_lock()) mu.unlock();
    cell.write(cell.read() + 1);
  }
}

using fault_signature = std::vector<std::tuple<faulty::fault_kind, std::uint64_t, std::uint64_t>>;

fault_signature signature(const fault_recorder& recorder) {
  fault_signature result;
  for (const auto& event : recorder.events) result.emplace_back(event.kind, event.step, event.value);
  return result;
}

fault_signature record_private_workload(std::uint64_t seed) {
  faulty::set_seed(seed);
  fault_recorder recorder;
  faulty::scoped_fault_observer watch{recorder};
  private_workload();
  return signature(recorder);
}

// Restores the process seed after a test that changed it, so the failure hint in main.cpp
// names the seed the run started with.
class FaultyDeterminism : public testing::Test {
 protected:
  void TearDown() override { faulty::set_seed(original_seed_); }

 private:
  std::uint64_t original_seed_ = faulty::seed();
};

}  // namespace

TEST_F(FaultyDeterminism, SameSeedReplaysTheSameFaultsOnAThread) {
  spindle::test::scoped_rates rates{frequent_faults()};
  const fault_signature first = record_private_workload(kSeedA);
  const fault_signature again = record_private_workload(kSeedA);
  const fault_signature other = record_private_workload(kSeedB);
  EXPECT_GT(first.size(), std::size_t{kOperations / 4}) << "the rates above should inject often";
  EXPECT_EQ(first, again);
  EXPECT_NE(first, other);
}

TEST_F(FaultyDeterminism, SeedAlsoFixesTheRandomStream) {
  faulty::set_seed(kSeedA);
  const std::uint64_t first = twist::random::next_u64();
  faulty::set_seed(kSeedA);
  EXPECT_EQ(twist::random::next_u64(), first);
  faulty::set_seed(kSeedB);
  EXPECT_NE(twist::random::next_u64(), first);
}

TEST_F(FaultyDeterminism, ThreadsCreatedInTurnGetDifferentSequences) {
  spindle::test::scoped_rates rates{frequent_faults()};
  fault_signature per_thread[2];
  for (auto& result : per_thread) {
    twist::thread worker([&result] {
      fault_recorder recorder;
      faulty::scoped_fault_observer watch{recorder};
      private_workload();
      result = signature(recorder);
    });
    worker.join();
  }
  EXPECT_FALSE(per_thread[0].empty());
  EXPECT_NE(per_thread[0], per_thread[1]) << "threads must not share one fault sequence";
}

// ---- across processes -------------------------------------------------------------------------

namespace {

constexpr const char* kChildVariable = "SPINDLE_FAULTY_DETERMINISM_CHILD";
constexpr const char* kDigestPrefix = "fault-digest: ";

// FNV-1a over the fault sequences of main and two twist::threads created in turn.
std::uint64_t digest_of_this_process() {
  constexpr std::uint64_t kFnvOffset = 0xcbf29ce484222325ull;
  constexpr std::uint64_t kFnvPrime = 0x100000001b3ull;
  std::uint64_t digest = kFnvOffset;
  auto mix = [&digest](const fault_signature& events) {
    for (const auto& [kind, step, value] : events) {
      for (std::uint64_t word : {static_cast<std::uint64_t>(kind), step, value}) {
        digest = (digest ^ word) * kFnvPrime;
      }
    }
    digest = (digest ^ events.size()) * kFnvPrime;
  };
  fault_recorder on_main;
  {
    faulty::scoped_fault_observer watch{on_main};
    private_workload();
  }
  mix(signature(on_main));
  for (int i = 0; i < 2; ++i) {
    fault_signature events;
    twist::thread worker([&events] {
      fault_recorder recorder;
      faulty::scoped_fault_observer watch{recorder};
      private_workload();
      events = signature(recorder);
    });
    worker.join();
    mix(events);
  }
  return digest;
}

#if SPINDLE_TEST_CAN_RERUN_SELF
// Runs this test binary again, as a child that only prints its digest, under `seed`.
std::string child_digest(std::uint64_t seed) {
  const std::string output = spindle::test::run_this_binary(
      std::string(kChildVariable) + "=1 SPINDLE_FAULTY_SEED=" + std::to_string(seed),
      "FaultyDeterminismAcrossProcesses.*");
  const std::size_t prefix = output.find(kDigestPrefix);
  if (prefix == std::string::npos) return "no digest in the child's output:\n" + output;
  const std::size_t begin = prefix + std::strlen(kDigestPrefix);
  return output.substr(begin, output.find('\n', begin) - begin);
}
#endif

}  // namespace

TEST(FaultyDeterminismAcrossProcesses, SeedFromEnvironmentReplaysEveryThread) {
  if (std::getenv(kChildVariable) != nullptr) {
    // The child: report and stop (fault rates: the environment's, by default the defaults).
    std::printf("%s%llx\n", kDigestPrefix,
                static_cast<unsigned long long>(digest_of_this_process()));
    return;
  }
#if SPINDLE_TEST_CAN_RERUN_SELF
  const std::string first = child_digest(kSeedA);
  ASSERT_EQ(first.rfind("no digest", 0), std::string::npos) << first;
  EXPECT_EQ(child_digest(kSeedA), first);
  EXPECT_NE(child_digest(kSeedB), first);
#else
  GTEST_SKIP() << "re-running the test binary uses /proc/self/exe (Linux)";
#endif
}
