// Exceptions and coroutines: propagation out of resume(), and the C++ runtime's per-thread
// exception state (caught exceptions, uncaught count) kept per coroutine across switches.
#include <exception>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/coro/coroutine.hpp>

namespace spindle::coro {
namespace {

// The message of the exception being handled right now, or "" if none.
std::string current_message() {
  std::exception_ptr current = std::current_exception();
  if (!current) return "";
  try {
    std::rethrow_exception(current);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "?";
  }
}

TEST(CoroutineException, EscapingExceptionPropagatesOutOfResume) {
  coroutine c([] { throw std::runtime_error("boom"); });
  EXPECT_THROW(
      {
        try {
          c.resume();
        } catch (const std::runtime_error& e) {
          EXPECT_STREQ(e.what(), "boom");
          throw;
        }
      },
      std::runtime_error);
  EXPECT_TRUE(c.is_done());
}

TEST(CoroutineException, ExceptionAfterSuspendPropagatesOutOfTheResumeThatRanIt) {
  coroutine c([] {
    suspend();
    throw std::logic_error("second");
  });
  EXPECT_NO_THROW(c.resume());
  EXPECT_THROW(c.resume(), std::logic_error);
  EXPECT_TRUE(c.is_done());
}

TEST(CoroutineException, ExceptionsCaughtInsideTheBodyStayThere) {
  int caught = 0;
  coroutine c([&] {
    for (int i = 0; i < 3; ++i) {
      try {
        throw i;
      } catch (int value) {
        caught += value;
      }
      suspend();
    }
  });
  while (!c.is_done()) c.resume();
  EXPECT_EQ(caught, 0 + 1 + 2);
}

// The core case: suspend inside a catch block, let the resumer handle its own exceptions,
// then resume and rethrow with `throw;`.
TEST(CoroutineException, SuspendInsideCatchKeepsTheCaughtException) {
  std::string seen_after_resume;
  std::string rethrown;
  coroutine c([&] {
    try {
      try {
        throw std::runtime_error("inner");
      } catch (...) {
        suspend();
        seen_after_resume = current_message();
        throw;  // rethrows the coroutine's own caught exception
      }
    } catch (const std::runtime_error& e) {
      rethrown = e.what();
    }
  });
  c.resume();
  // Suspended inside the catch: the resumer is handling nothing.
  EXPECT_FALSE(std::current_exception());
  EXPECT_EQ(std::uncaught_exceptions(), 0);
  try {
    throw std::runtime_error("outer");
  } catch (...) {
    EXPECT_EQ(current_message(), "outer");
  }
  c.resume();
  EXPECT_TRUE(c.is_done());
  EXPECT_EQ(seen_after_resume, "inner");
  EXPECT_EQ(rethrown, "inner");
  EXPECT_FALSE(std::current_exception());
}

// The resumer is inside a catch block when it resumes: the body sees no exception of its
// own, and the resumer's is intact afterwards.
TEST(CoroutineException, ResumerCatchStateIsInvisibleToTheBody) {
  std::string body_saw = "unset";
  coroutine c([&] {
    body_saw = current_message();
    suspend();
    body_saw = current_message();
  });
  try {
    throw std::runtime_error("resumer's");
  } catch (...) {
    c.resume();
    EXPECT_EQ(body_saw, "");
    EXPECT_EQ(current_message(), "resumer's");
    c.resume();
    EXPECT_EQ(body_saw, "");
    EXPECT_EQ(current_message(), "resumer's");
  }
}

// Two coroutines suspended inside catch blocks, resumed in the opposite order: each must leave
// its own catch block (popping its own exception, not the other's) and rethrow its own.
TEST(CoroutineException, InterleavedCatchBlocksDoNotMixUp) {
  std::vector<std::string> log;
  auto body = [&log](std::string name) {
    return [&log, name] {
      try {
        try {
          throw std::runtime_error(name);
        } catch (...) {
          suspend();
          log.push_back(name + " sees " + current_message());
          suspend();
          throw;
        }
      } catch (const std::exception& e) {
        log.push_back(name + " rethrew " + e.what());
      }
      log.push_back(name + " after catch sees '" + current_message() + "'");
    };
  };
  coroutine a(body("a"));
  coroutine b(body("b"));
  a.resume();
  b.resume();
  b.resume();
  a.resume();
  a.resume();  // a leaves its catch block while b is still inside its own
  b.resume();
  EXPECT_TRUE(a.is_done());
  EXPECT_TRUE(b.is_done());
  EXPECT_EQ(
      log, (std::vector<std::string>{"b sees b", "a sees a", "a rethrew a", "a after catch sees ''",
                                     "b rethrew b", "b after catch sees ''"}));
  EXPECT_FALSE(std::current_exception());
}

// Suspending from a destructor during stack unwinding: the coroutine has an exception in
// flight, the resumer does not.
struct suspends_while_unwinding {
  int* uncaught_inside;
  ~suspends_while_unwinding() {
    suspend();
    *uncaught_inside = std::uncaught_exceptions();
  }
};

TEST(CoroutineException, UncaughtExceptionsIsPerCoroutine) {
  int uncaught_inside = -1;
  int uncaught_before_suspend = -1;
  coroutine c([&] {
    try {
      suspends_while_unwinding guard{&uncaught_inside};
      uncaught_before_suspend = std::uncaught_exceptions();
      throw std::runtime_error("unwinding");
    } catch (const std::runtime_error&) {
    }
  });
  c.resume();  // suspends inside the destructor, mid-unwind
  EXPECT_EQ(uncaught_before_suspend, 0);
  EXPECT_EQ(std::uncaught_exceptions(), 0) << "the coroutine's in-flight exception leaked out";
  EXPECT_FALSE(std::current_exception());
  c.resume();
  EXPECT_EQ(uncaught_inside, 1);
  EXPECT_TRUE(c.is_done());
  EXPECT_EQ(std::uncaught_exceptions(), 0);
}

// A coroutine suspended in a catch block and resumed on another thread keeps its exception.
TEST(CoroutineException, CaughtExceptionMigratesWithTheCoroutine) {
  std::string seen;
  coroutine c([&] {
    try {
      throw std::runtime_error("travels");
    } catch (...) {
      suspend();
      seen = current_message();
    }
  });
  c.resume();
  std::thread([&] {
    c.resume();
    EXPECT_FALSE(std::current_exception());
  }).join();
  EXPECT_EQ(seen, "travels");
  EXPECT_TRUE(c.is_done());
  EXPECT_FALSE(std::current_exception());
}

// Destroying a coroutine suspended inside its catch block, from inside the resumer's own catch
// block: the forced unwind leaves the body's catch block (popping the body's exception), and the
// resumer's caught exception is untouched.
TEST(CoroutineException, DestroyingACoroutineSuspendedInACatchBlockKeepsTheResumersException) {
  bool body_unwound = false;
  try {
    throw std::runtime_error("resumer's");
  } catch (...) {
    {
      coroutine c([&] {
        struct on_unwind {
          bool* flag;
          ~on_unwind() { *flag = true; }
        } guard{&body_unwound};
        try {
          throw std::runtime_error("body's");
        } catch (...) {
          suspend();
        }
      });
      c.resume();
      EXPECT_EQ(current_message(), "resumer's");
    }  // destroyed while suspended inside the body's catch block
    EXPECT_TRUE(body_unwound);
    EXPECT_EQ(current_message(), "resumer's");
    EXPECT_EQ(std::uncaught_exceptions(), 0);
  }
  EXPECT_FALSE(std::current_exception());
}

// A suspended coroutine destroyed by the resumer's stack unwinding: its body unwinds with one
// exception in flight (its own forced_unwind, not the resumer's), and the resumer's exception
// still arrives at its handler.
TEST(CoroutineException, DestroyedDuringTheResumersUnwinding) {
  int uncaught_in_body = -1;
  std::string caught;
  try {
    coroutine c([&] {
      struct on_unwind {
        int* seen;
        ~on_unwind() { *seen = std::uncaught_exceptions(); }
      } guard{&uncaught_in_body};
      suspend();
    });
    c.resume();
    throw std::runtime_error("resumer's");
  } catch (...) {
    caught = current_message();
    EXPECT_EQ(std::uncaught_exceptions(), 0);
  }
  EXPECT_EQ(uncaught_in_body, 1);
  EXPECT_EQ(caught, "resumer's");
  EXPECT_FALSE(std::current_exception());
}

// Nested: the inner coroutine's exception propagates into the outer body, which catches it.
TEST(CoroutineException, NestedPropagationIntoTheOuterBody) {
  std::string outer_caught;
  coroutine outer([&] {
    coroutine inner([] {
      suspend();
      throw std::runtime_error("from inner");
    });
    inner.resume();
    suspend();
    try {
      inner.resume();
    } catch (const std::exception& e) {
      outer_caught = e.what();
    }
  });
  outer.resume();
  outer.resume();
  EXPECT_EQ(outer_caught, "from inner");
  EXPECT_TRUE(outer.is_done());
}

}  // namespace
}  // namespace spindle::coro
