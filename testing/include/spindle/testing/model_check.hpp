// One test body, three modes (docs/design.md): a GoogleTest helper that explores the body with the
// simulator in sim builds, and runs it as a repeated stress test on real threads in std and
// faulty builds.
//
//   TEST(Event, NoLostWakeup) {
//     testing::model_check({}, [] {
//       event e;
//       twist::thread waiter([&] { e.wait(); });
//       e.fire();
//       waiter.join();
//     });
//   }
//
// In sim builds a failure is reported as one gtest failure holding the simulator's report
// (trace, replay token, the command that replays it); gtest assertions inside simulated
// threads end the run they fail in. In std/faulty builds the body runs opts.stress_iterations
// times or until the stress budget (SPINDLE_STRESS_SECONDS, default 1 s) is spent.
#pragma once

#include <chrono>
#include <cstdlib>
#include <functional>
#include <string>

#include <gtest/gtest.h>
#include <gtest/gtest-spi.h>

#include <spindle/sim/options.hpp>
#include <spindle/base/mode.hpp>

#if SPINDLE_TWIST_MODE_SIM
#include <spindle/sim/trap.hpp>
#include <spindle/sim/explore.hpp>
#endif

namespace spindle::testing {

#if SPINDLE_TWIST_MODE_SIM

namespace detail {

// Routes gtest failures raised inside simulated threads to the simulator (which ends the run
// at the thread's next step: gtest holds its own lock while reporting, so the report must
// return), and keeps the ones raised outside to re-report after the exploration.
class gtest_failure_router : public ::testing::ScopedFakeTestPartResultReporter {
 public:
  gtest_failure_router()
      : ScopedFakeTestPartResultReporter(INTERCEPT_ONLY_CURRENT_THREAD, &outside_) {}

  void ReportTestPartResult(const ::testing::TestPartResult& part) override {
    if (sim::trap::in_simulation() && part.failed()) {
      const std::string text = std::string(part.file_name() != nullptr ? part.file_name() : "?") +
                               ":" + std::to_string(part.line_number()) + ": " + part.message();
      sim::trap::report_failure(text.c_str());
      return;
    }
    if (!sim::trap::in_simulation()) outside_.Append(part);
  }

  const ::testing::TestPartResultArray& outside() const { return outside_; }

 private:
  ::testing::TestPartResultArray outside_;
};

inline std::string current_test_name() {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  if (info == nullptr) return {};
  return std::string(info->test_suite_name()) + "." + info->name();
}

}  // namespace detail

// Explores `body`; one gtest failure with the report if a schedule fails.
inline sim::result model_check(sim::options opts, const std::function<void()>& body) {
  const std::string test = detail::current_test_name();
  if (opts.name.empty()) opts.name = test;
  sim::result r;
  {
    detail::gtest_failure_router router;
    r = sim::explore(opts, body);
    for (int i = 0; i < router.outside().size(); ++i) {
      const ::testing::TestPartResult& part = router.outside().GetTestPartResult(i);
      ADD_FAILURE_AT(part.file_name() != nullptr ? part.file_name() : "?", part.line_number())
          << part.message();
    }
  }
  if (!r.ok()) {
    ADD_FAILURE() << r.report << "  (with gtest: add --gtest_filter=" << test << ")\n";
  }
  return r;
}

#else

// std/faulty builds: the body on real threads, repeated within the stress budget.
inline void model_check(const sim::options& opts, const std::function<void()>& body) {
  double seconds = 1.0;
  if (const char* env = std::getenv("SPINDLE_STRESS_SECONDS")) seconds = std::atof(env);
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(seconds));
  std::size_t done = 0;
  do {
    body();
    ++done;
    if (::testing::Test::HasFailure()) return;
  } while (done < opts.stress_iterations && std::chrono::steady_clock::now() < deadline);
}

#endif

}  // namespace spindle::testing
