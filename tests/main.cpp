// The main() of every spindle test binary: GoogleTest plus what a failure report needs to be
// reproducible (the facade mode, and in faulty mode the injector's seed).
#include <cstdio>

#include <gtest/gtest.h>

#include <spindle/version.hpp>
#include <spindle/twist/mode.hpp>

#if SPINDLE_TWIST_MODE_FAULTY
#include <spindle/twist/faulty/config.hpp>
#endif

namespace {

class reproduction_hint : public testing::EmptyTestEventListener {
  void OnTestEnd(const testing::TestInfo& info) override {
    if (!info.result()->Failed()) return;
#if SPINDLE_TWIST_MODE_FAULTY
    std::fprintf(stderr, "[spindle] %s.%s failed in faulty mode; reproduce with SPINDLE_FAULTY_SEED=%llu\n",
                 info.test_suite_name(), info.name(),
                 static_cast<unsigned long long>(spindle::twist::faulty::seed()));
#else
    std::fprintf(stderr, "[spindle] %s.%s failed (twist mode %.*s)\n", info.test_suite_name(),
                 info.name(), static_cast<int>(spindle::twist_mode().size()),
                 spindle::twist_mode().data());
#endif
  }
};

}  // namespace

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  testing::UnitTest::GetInstance()->listeners().Append(new reproduction_hint);
  return RUN_ALL_TESTS();
}
