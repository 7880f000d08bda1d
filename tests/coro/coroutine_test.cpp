// coro::coroutine: the basic contract — resume/suspend/is_done, every stack source, nesting,
// destruction at every state, and many coroutines alive at once.
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/context/stack.hpp>
#include <spindle/context/stack_pool.hpp>
#include <spindle/coro/coroutine.hpp>

namespace spindle::coro {
namespace {

TEST(Coroutine, BodyDoesNotRunBeforeFirstResume) {
  bool ran = false;
  coroutine c([&] { ran = true; });
  EXPECT_FALSE(ran);
  EXPECT_FALSE(c.is_done());
  c.resume();
  EXPECT_TRUE(ran);
  EXPECT_TRUE(c.is_done());
}

TEST(Coroutine, SuspendReturnsToResumeAndResumeContinuesAfterSuspend) {
  std::vector<std::string> log;
  coroutine c([&] {
    log.push_back("a");
    suspend();
    log.push_back("b");
    suspend();
    log.push_back("c");
  });
  c.resume();
  log.push_back("1");
  EXPECT_FALSE(c.is_done());
  c.resume();
  log.push_back("2");
  EXPECT_FALSE(c.is_done());
  c.resume();
  EXPECT_TRUE(c.is_done());
  EXPECT_EQ(log, (std::vector<std::string>{"a", "1", "b", "2", "c"}));
}

// The body's locals survive suspension: they live on the coroutine's own stack.
TEST(Coroutine, LocalsSurviveSuspension) {
  int observed = 0;
  coroutine c([&] {
    int local = 1;
    for (int i = 0; i < 10; ++i) {
      local *= 2;
      suspend();
    }
    observed = local;
  });
  while (!c.is_done()) c.resume();
  EXPECT_EQ(observed, 1024);
}

// suspend() works from any call depth inside the body.
void suspend_deep(int depth, int& reached) {
  if (depth == 0) {
    suspend();
    ++reached;
    return;
  }
  suspend_deep(depth - 1, reached);
}

TEST(Coroutine, SuspendFromNestedCalls) {
  int reached = 0;
  coroutine c([&] { suspend_deep(20, reached); });
  c.resume();
  EXPECT_EQ(reached, 0);
  c.resume();
  EXPECT_EQ(reached, 1);
  EXPECT_TRUE(c.is_done());
}

TEST(Coroutine, RunsOnEveryStackSource) {
  int runs = 0;
  auto body = [&] {
    suspend();
    ++runs;
  };
  context::stack_pool pool;
  alignas(16) static std::byte memory[32 * 1024];
  coroutine managed(body);
  coroutine owned(context::stack(128 * 1024), body);
  coroutine pooled(pool, body);
  coroutine unmanaged(context::stack_view{memory, sizeof memory}, body);
  for (coroutine* c : {&managed, &owned, &pooled, &unmanaged}) {
    c->resume();
    c->resume();
    EXPECT_TRUE(c->is_done());
  }
  EXPECT_EQ(runs, 4);
}

TEST(Coroutine, BodyRunsOnTheGivenMemory) {
  alignas(16) static std::byte memory[32 * 1024];
  const std::byte* frame_address = nullptr;
  // The frame, not a local: with ASAN's detect_stack_use_after_return, locals live elsewhere.
  coroutine c(context::stack_view{memory, sizeof memory},
              [&] { frame_address = static_cast<const std::byte*>(__builtin_frame_address(0)); });
  c.resume();
  EXPECT_GE(frame_address, memory);
  EXPECT_LT(frame_address, memory + sizeof memory);
}

TEST(Coroutine, PooledStackGoesBackToThePool) {
  context::stack_pool pool;
  {
    coroutine c(pool, [] {});
    EXPECT_EQ(pool.num_cached(), 0u);
    c.resume();
  }
  EXPECT_EQ(pool.num_cached(), 1u);
  {
    coroutine never_started(pool, [] {});
  }
  EXPECT_EQ(pool.num_cached(), 1u);
}

TEST(Coroutine, MoveTransfersTheCoroutine) {
  int steps = 0;
  coroutine a([&] {
    ++steps;
    suspend();
    ++steps;
  });
  a.resume();
  coroutine b(std::move(a));
  b.resume();
  EXPECT_TRUE(b.is_done());
  EXPECT_EQ(steps, 2);

  coroutine c([] {});
  c = std::move(b);
  EXPECT_TRUE(c.is_done());
}

TEST(Coroutine, NamedCoroutineKeepsItsName) {
  coroutine c([] {});
  EXPECT_STREQ(c.name(), "(unnamed)");
  c.set_name("parser");
  EXPECT_STREQ(c.name(), "parser");
}

// Destroying a suspended coroutine unwinds its body: its destructors run.
TEST(Coroutine, DestroyingASuspendedCoroutineUnwindsItsBody) {
  auto alive = std::make_shared<int>(0);
  std::weak_ptr<int> watch = alive;
  bool after_suspend = false;
  bool catch_all_saw_it = false;
  {
    coroutine c([&, owned = std::move(alive)] {
      auto local = owned;  // one more owner, on the coroutine's stack
      try {
        suspend();
        after_suspend = true;
      } catch (const std::exception&) {
        after_suspend = true;  // forced_unwind is not a std::exception
      } catch (...) {
        catch_all_saw_it = true;
        throw;
      }
    });
    c.resume();
    EXPECT_FALSE(watch.expired());
  }
  EXPECT_TRUE(watch.expired()) << "the body's locals and captures must be destroyed";
  EXPECT_FALSE(after_suspend);
  EXPECT_TRUE(catch_all_saw_it);
}

TEST(Coroutine, DestroyingANeverStartedCoroutineDestroysItsBodyWithoutRunningIt) {
  auto alive = std::make_shared<int>(0);
  std::weak_ptr<int> watch = alive;
  bool ran = false;
  {
    coroutine c([&ran, owned = std::move(alive)] { ran = true; });
  }
  EXPECT_TRUE(watch.expired());
  EXPECT_FALSE(ran);
}

TEST(Coroutine, NestedCoroutinesSuspendToTheirOwnResumer) {
  std::vector<std::string> log;
  coroutine inner([&] {
    log.push_back("inner 1");
    suspend();
    log.push_back("inner 2");
  });
  coroutine outer([&] {
    log.push_back("outer 1");
    inner.resume();
    log.push_back("outer 2");
    suspend();
    log.push_back("outer 3");
    inner.resume();
    log.push_back("outer 4");
  });
  outer.resume();
  log.push_back("main 1");
  outer.resume();
  EXPECT_TRUE(outer.is_done());
  EXPECT_TRUE(inner.is_done());
  EXPECT_EQ(log, (std::vector<std::string>{"outer 1", "inner 1", "outer 2", "main 1", "outer 3",
                                           "inner 2", "outer 4"}));
}

TEST(Coroutine, DeeplyNestedCoroutines) {
  constexpr int depth = 32;
  context::stack_pool pool;
  int deepest = 0;
  // Each level resumes the next from inside its own body, twice.
  std::function<void(int)> level = [&](int n) {
    if (n == depth) {
      deepest = n;
      suspend();
      return;
    }
    coroutine next(pool, [&level, n] { level(n + 1); });
    next.resume();
    suspend();
    next.resume();
    EXPECT_TRUE(next.is_done());
  };
  coroutine top(pool, [&] { level(1); });
  top.resume();
  EXPECT_EQ(deepest, depth);
  top.resume();
  EXPECT_TRUE(top.is_done());
}

// Generator-like use: the body produces values one at a time through shared state.
TEST(Coroutine, GeneratorLikeUse) {
  int current = 0;
  coroutine fibonacci([&] {
    int a = 0;
    int b = 1;
    for (int i = 0; i < 10; ++i) {
      current = a;
      suspend();
      const int next = a + b;
      a = b;
      b = next;
    }
  });
  std::vector<int> produced;
  for (fibonacci.resume(); !fibonacci.is_done(); fibonacci.resume()) produced.push_back(current);
  EXPECT_EQ(produced, (std::vector<int>{0, 1, 1, 2, 3, 5, 8, 13, 21, 34}));
}

// Interleaving many coroutines, round-robin, with stacks from a pool (which caches only a few).
TEST(Coroutine, ManyCoroutinesInterleaved) {
  constexpr int num_coroutines = 1000;
  constexpr int num_steps = 5;
  context::stack_pool pool(16 * 1024);
  std::vector<int> progress(num_coroutines, 0);
  std::vector<coroutine> coroutines;
  coroutines.reserve(num_coroutines);
  for (int i = 0; i < num_coroutines; ++i) {
    coroutines.emplace_back(pool, [&progress, i] {
      for (int step = 0; step < num_steps; ++step) {
        ++progress[i];
        suspend();
      }
    });
  }
  for (int step = 0; step <= num_steps; ++step) {
    for (coroutine& c : coroutines) c.resume();
  }
  for (int i = 0; i < num_coroutines; ++i) {
    EXPECT_EQ(progress[i], num_steps);
    EXPECT_TRUE(coroutines[i].is_done());
  }
  coroutines.clear();
  EXPECT_EQ(pool.num_cached(), context::stack_pool::max_cached);
}

TEST(Coroutine, ManyCoroutinesCreatedAndDestroyedReuseThePool) {
  context::stack_pool pool;
  int total = 0;
  for (int i = 0; i < 10000; ++i) {
    coroutine c(pool, [&total] { ++total; });
    c.resume();
  }
  EXPECT_EQ(total, 10000);
  EXPECT_EQ(pool.num_cached(), 1u);
}

}  // namespace
}  // namespace spindle::coro
