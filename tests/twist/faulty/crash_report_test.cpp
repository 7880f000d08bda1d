// A faulty-mode run that dies prints the seed that reproduces it, and misuse of the faulty
// primitives is reported (not undefined behaviour).
#include <cstdlib>
#include <exception>
#include <mutex>

#include <gtest/gtest.h>

#include <spindle/twist/condition_variable.hpp>
#include <spindle/twist/mutex.hpp>
#include <spindle/twist/thread.hpp>

namespace twist = spindle::twist;

namespace {
constexpr const char* kSeedHint = "reproduce with SPINDLE_FAULTY_SEED=[0-9]+";
}  // namespace

class FaultyCrashReport : public testing::Test {
 protected:
  // Re-execute the binary for each death test: fork() alone is unsafe with threads around.
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

TEST_F(FaultyCrashReport, TerminatePrintsTheSeed) {
  EXPECT_DEATH(std::terminate(), kSeedHint);
}

TEST_F(FaultyCrashReport, AbortPrintsTheSeed) {
  EXPECT_DEATH(std::abort(), kSeedHint);
}

TEST_F(FaultyCrashReport, UnlockingAFreeMutexIsReported) {
  twist::mutex mu;
  EXPECT_DEATH(mu.unlock(), "unlock of a mutex that is not locked");
}

TEST_F(FaultyCrashReport, WaitingWithoutTheLockIsReported) {
  twist::mutex mu;
  twist::condition_variable cv;
  std::unique_lock lock{mu, std::defer_lock};
  EXPECT_DEATH(cv.wait(lock), "does not own its mutex");
}

TEST_F(FaultyCrashReport, RelockingAHeldMutexIsReported) {
  twist::mutex mu;
  mu.lock();
  EXPECT_DEATH(mu.lock(), "already holds it");
  mu.unlock();
}

TEST_F(FaultyCrashReport, UnlockingAnotherThreadsMutexIsReported) {
  twist::mutex mu;
  EXPECT_DEATH(
      {
        twist::thread holder([&mu] { mu.lock(); });
        holder.join();
        mu.unlock();
      },
      "does not hold it");
}
