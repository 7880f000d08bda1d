// inline_executor: runs tasks inside submit().
#include <stdexcept>

#include <gtest/gtest.h>

#include <spindle/exec/inline_executor.hpp>

namespace exec = spindle::exec;

TEST(InlineExecutor, RunsBeforeSubmitReturnsWithItselfCurrent) {
  exec::inline_executor now;
  exec::executor* seen = nullptr;
  int ran = 0;
  exec::submit(now, [&] {
    ++ran;
    seen = exec::current_executor();
  });
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(seen, &now);
  EXPECT_EQ(exec::current_executor(), nullptr);
}

TEST(InlineExecutor, AnExceptionGoesToTheHandlerNotToTheSubmitter) {
  int failures = 0;
  const exec::task* failed = nullptr;
  exec::inline_executor now([&](const exec::task_failure& f) {
    ++failures;
    failed = f.failed_task;
    EXPECT_EQ(f.where, &now);
    EXPECT_EQ(f.executor_name, "inline");
    EXPECT_THROW(std::rethrow_exception(f.error), std::logic_error);
  });
  exec::callable_task job([] { throw std::logic_error("inline failure"); });
  EXPECT_NO_THROW(now.submit(job));
  EXPECT_EQ(failures, 1);
  EXPECT_EQ(failed, &job);
}
