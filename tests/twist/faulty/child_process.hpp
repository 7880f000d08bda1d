// Re-running the test binary as a child process, for tests of what faulty mode does at start-up
// (environment settings, pinning) or across runs (reproduction from a seed). Linux only.
#pragma once

#include <cstdio>
#include <string>

#if defined(__linux__)
#include <unistd.h>
#define SPINDLE_TEST_CAN_RERUN_SELF 1
#else
#define SPINDLE_TEST_CAN_RERUN_SELF 0
#endif

namespace spindle::test {

#if SPINDLE_TEST_CAN_RERUN_SELF
// Runs this binary with `environment` ("NAME=value ..." prepended to the command) and
// --gtest_filter=`filter`; returns its stdout and stderr together.
inline std::string run_this_binary(const std::string& environment, const std::string& filter) {
  // Resolved here: inside popen's shell, /proc/self/exe would be the shell.
  char self[4096] = {};
  if (::readlink("/proc/self/exe", self, sizeof(self) - 1) <= 0) return "readlink failed";
  const std::string command =
      environment + " '" + self + "' --gtest_filter='" + filter + "' 2>&1";
  FILE* child = ::popen(command.c_str(), "r");
  if (child == nullptr) return "popen failed";
  std::string output;
  char chunk[512];
  while (std::fgets(chunk, sizeof(chunk), child) != nullptr) output += chunk;
  ::pclose(child);
  return output;
}
#endif

}  // namespace spindle::test
