// SPINDLE_FAULTY_ONE_CORE=1 pins main and every twist::thread to a single core (Linux), so
// every interleaving comes from preemption and injected yields rather than parallelism.
#include <cstdio>
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include <spindle/twist/faulty/config.hpp>
#include <spindle/twist/thread.hpp>

#include "child_process.hpp"

#if defined(__linux__)
#include <sched.h>
#endif

namespace twist = spindle::twist;

namespace {

constexpr const char* kChildVariable = "SPINDLE_FAULTY_ONE_CORE_CHILD";

#if defined(__linux__)
int cores_this_thread_may_use() {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0) return -1;
  return CPU_COUNT(&allowed);
}
#endif

}  // namespace

TEST(FaultyOneCore, PinsMainAndEveryTwistThread) {
#if defined(__linux__) && SPINDLE_TEST_CAN_RERUN_SELF
  if (std::getenv(kChildVariable) != nullptr) {
    // The child, started with SPINDLE_FAULTY_ONE_CORE=1: report what it sees.
    int in_thread = 0;
    twist::thread worker([&in_thread] { in_thread = cores_this_thread_may_use(); });
    worker.join();
    std::printf("one-core: setting=%d main=%d thread=%d\n",
                spindle::twist::faulty::one_core() ? 1 : 0, cores_this_thread_may_use(), in_thread);
    return;
  }
  const std::string output = spindle::test::run_this_binary(
      std::string(kChildVariable) + "=1 SPINDLE_FAULTY_ONE_CORE=1", "FaultyOneCore.*");
  EXPECT_NE(output.find("one-core: setting=1 main=1 thread=1"), std::string::npos) << output;
#else
  GTEST_SKIP() << "pinning is implemented with sched_setaffinity (Linux)";
#endif
}
