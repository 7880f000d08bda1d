// execution_context: switching, data passing, exit, exceptions, many contexts, threads.
// These run in every preset (ASAN and TSAN included: the annotations must make them clean).
#include <spindle/context/execution_context.hpp>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "test_stack.hpp"

namespace spindle::context {
namespace {

using test::test_stack;

// ---- ping-pong ------------------------------------------------------------------------------

struct ping_pong {
  execution_context caller;
  execution_context callee;
  std::uint64_t value = 0;
  std::uint64_t rounds = 0;
};

void increment_forever(void* arg) {
  auto& game = *static_cast<ping_pong*>(arg);
  for (;;) {
    game.value = game.value * 3 + 1;  // the caller checks this exact sequence
    ++game.rounds;
    game.callee.switch_to(game.caller);
  }
}

TEST(ExecutionContext, PingPongPassesDataBothWays) {
  constexpr int round_trips = 200'000;
  test_stack stack;
  ping_pong game;
  game.callee.setup(stack.view(), &increment_forever, &game);
  std::uint64_t expected = 0;
  for (int i = 0; i < round_trips; ++i) {
    game.value += static_cast<std::uint64_t>(i);  // data flowing into the callee
    expected = (expected + static_cast<std::uint64_t>(i)) * 3 + 1;
    game.caller.switch_to(game.callee);
    ASSERT_EQ(game.value, expected) << "round " << i;  // data flowing out
  }
  EXPECT_EQ(game.rounds, static_cast<std::uint64_t>(round_trips));
}

// ---- locals survive -------------------------------------------------------------------------

struct locals_game {
  execution_context caller;
  execution_context callee;
  std::uint64_t checksum = 0;
  bool finished = false;
};

// Keeps live locals (in registers and on its stack) across many switches.
void keep_locals(void* arg) {
  auto& game = *static_cast<locals_game*>(arg);
  std::uint64_t a = 1, b = 2, c = 3, d = 5;
  double x = 0.5, y = 1.25;
  volatile std::uint64_t on_stack[8] = {11, 13, 17, 19, 23, 29, 31, 37};
  for (int i = 0; i < 1000; ++i) {
    a += b; b ^= c << 1; c += d * 7; d = d * 5 + a;
    x = x * 0.5 + y; y = y / 2 + 1;  // bounded: converges to (4, 2)
    on_stack[i % 8] = on_stack[i % 8] + a;
    game.callee.switch_to(game.caller);
  }
  std::uint64_t sum = a + b + c + d + static_cast<std::uint64_t>((x + y) * 1000);
  for (auto v : on_stack) sum += v;
  game.checksum = sum;
  game.finished = true;
  game.callee.exit_to(game.caller);
}

std::uint64_t keep_locals_reference() {
  std::uint64_t a = 1, b = 2, c = 3, d = 5;
  double x = 0.5, y = 1.25;
  std::uint64_t on_stack[8] = {11, 13, 17, 19, 23, 29, 31, 37};
  for (int i = 0; i < 1000; ++i) {
    a += b; b ^= c << 1; c += d * 7; d = d * 5 + a;
    x = x * 0.5 + y; y = y / 2 + 1;  // bounded: converges to (4, 2)
    on_stack[i % 8] = on_stack[i % 8] + a;
  }
  std::uint64_t sum = a + b + c + d + static_cast<std::uint64_t>((x + y) * 1000);
  for (auto v : on_stack) sum += v;
  return sum;
}

TEST(ExecutionContext, LocalsSurviveSwitches) {
  test_stack stack;
  locals_game game;
  game.callee.setup(stack.view(), &keep_locals, &game);
  int switches = 0;
  while (!game.finished) {
    game.caller.switch_to(game.callee);
    ++switches;
  }
  EXPECT_EQ(switches, 1001);
  EXPECT_EQ(game.checksum, keep_locals_reference());
}

// ---- exit_to and reuse ----------------------------------------------------------------------

struct one_shot {
  execution_context caller;
  execution_context callee;
  int runs = 0;
};

void run_once(void* arg) {
  auto& shot = *static_cast<one_shot*>(arg);
  ++shot.runs;
  shot.callee.exit_to(shot.caller);
}

TEST(ExecutionContext, ExitToFromAFinishedContextAndReuseTheStack) {
  constexpr int generations = 500;
  test_stack stack;
  one_shot shot;
  for (int i = 0; i < generations; ++i) {
    // The same object and the same stack, set up again after the previous run exited.
    shot.callee.setup(stack.view(), &run_once, &shot);
    shot.caller.switch_to(shot.callee);
    ASSERT_EQ(shot.runs, i + 1);
  }
}

TEST(ExecutionContext, ExitToFromFreshObjectsEachTime) {
  constexpr int generations = 200;
  test_stack stack;
  execution_context caller;
  int runs = 0;
  struct frame {
    execution_context* caller;
    execution_context self;
    int* runs;
  };
  for (int i = 0; i < generations; ++i) {
    auto f = std::make_unique<frame>();
    f->caller = &caller;
    f->runs = &runs;
    f->self.setup(stack.view(), [](void* arg) {
      auto& me = *static_cast<frame*>(arg);
      ++*me.runs;
      me.self.exit_to(*me.caller);
    }, f.get());
    caller.switch_to(f->self);
  }  // each context is destroyed after it exited (TSAN: its fiber is destroyed from here)
  EXPECT_EQ(runs, generations);
}

// ---- exceptions -----------------------------------------------------------------------------

struct exception_game {
  execution_context caller;
  execution_context callee;
  std::vector<std::string> caught;
  bool finished = false;
};

[[gnu::noinline]] void throw_from_deep(int depth, const std::string& what) {
  if (depth == 0) throw std::runtime_error(what);
  throw_from_deep(depth - 1, what);
}

void throw_and_catch_inside(void* arg) {
  auto& game = *static_cast<exception_game*>(arg);
  for (int i = 0; i < 3; ++i) {
    try {
      game.callee.switch_to(game.caller);  // suspended inside a try block
      throw_from_deep(5, "inner " + std::to_string(i));
    } catch (const std::runtime_error& e) {
      game.caught.emplace_back(e.what());
    }
  }
  try {
    throw 42;
  } catch (int value) {
    game.caught.push_back(std::to_string(value));
  }
  game.finished = true;
  game.callee.exit_to(game.caller);
}

TEST(ExecutionContext, ExceptionsThrownAndCaughtInsideAContext) {
  test_stack stack;
  exception_game game;
  game.callee.setup(stack.view(), &throw_and_catch_inside, &game);
  int caller_caught = 0;
  while (!game.finished) {
    game.caller.switch_to(game.callee);
    // The caller throws and catches between the callee's, on the thread's own stack.
    try {
      throw_from_deep(3, "outer");
    } catch (const std::runtime_error&) {
      ++caller_caught;
    }
  }
  EXPECT_EQ(game.caught, (std::vector<std::string>{"inner 0", "inner 1", "inner 2", "42"}));
  EXPECT_EQ(caller_caught, 4);  // 3 suspensions inside the try blocks + the exit
}

// ---- many contexts --------------------------------------------------------------------------

struct ring {
  static constexpr int size = 32;
  execution_context main;
  execution_context members[size];
  int turns[size] = {};
  std::vector<int> order;
  int laps = 0;
};

struct ring_member {
  ring* r;
  int index;
};

// Each member hands over directly to the next one; the last one goes back to main.
void pass_along(void* arg) {
  auto [r, index] = *static_cast<ring_member*>(arg);
  for (;;) {
    ++r->turns[index];
    r->order.push_back(index);
    if (index + 1 < ring::size) {
      r->members[index].switch_to(r->members[index + 1]);
    } else {
      r->members[index].switch_to(r->main);
    }
  }
}

TEST(ExecutionContext, ManyContextsSwitchDirectlyBetweenEachOther) {
  constexpr int laps = 100;
  std::vector<std::unique_ptr<test_stack>> stacks;
  ring r;
  ring_member args[ring::size];
  for (int i = 0; i < ring::size; ++i) {
    stacks.push_back(std::make_unique<test_stack>(64 * 1024));
    args[i] = {&r, i};
    r.members[i].setup(stacks.back()->view(), &pass_along, &args[i]);
  }
  for (int lap = 0; lap < laps; ++lap) r.main.switch_to(r.members[0]);
  for (int i = 0; i < ring::size; ++i) EXPECT_EQ(r.turns[i], laps) << "member " << i;
  ASSERT_EQ(r.order.size(), static_cast<std::size_t>(laps * ring::size));
  for (std::size_t k = 0; k < r.order.size(); ++k) ASSERT_EQ(r.order[k], static_cast<int>(k % ring::size));
}

struct counter_context {
  execution_context* main;
  execution_context self;
  std::uint64_t count = 0;
};

void count_forever(void* arg) {
  auto& c = *static_cast<counter_context*>(arg);
  for (;;) {
    ++c.count;
    c.self.switch_to(*c.main);
  }
}

TEST(ExecutionContext, ManyContextsInterleavedByTheCaller) {
  constexpr int contexts = 64;
  constexpr int rounds = 300;
  execution_context main;
  std::vector<std::unique_ptr<test_stack>> stacks;
  std::vector<std::unique_ptr<counter_context>> counters;
  for (int i = 0; i < contexts; ++i) {
    stacks.push_back(std::make_unique<test_stack>(64 * 1024));
    counters.push_back(std::make_unique<counter_context>());
    counters.back()->main = &main;
    counters.back()->self.setup(stacks.back()->view(), &count_forever, counters.back().get());
  }
  // A scrambled but deterministic order: context k runs (k % 7) + 1 times per round.
  for (int round = 0; round < rounds; ++round) {
    for (int i = 0; i < contexts; ++i) {
      int k = (i * 37 + round) % contexts;
      for (int t = 0; t <= k % 7; ++t) main.switch_to(counters[k]->self);
    }
  }
  for (int k = 0; k < contexts; ++k) {
    EXPECT_EQ(counters[k]->count, static_cast<std::uint64_t>(rounds * (k % 7 + 1))) << "context " << k;
  }
}

// ---- threads --------------------------------------------------------------------------------

TEST(ExecutionContext, EachThreadSwitchesItsOwnContexts) {
  constexpr int threads = 4;
  constexpr int round_trips = 20'000;
  std::vector<std::thread> workers;
  std::vector<std::uint64_t> rounds(threads);
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&rounds, t] {
      test_stack stack;
      ping_pong game;
      game.callee.setup(stack.view(), &increment_forever, &game);
      for (int i = 0; i < round_trips; ++i) game.caller.switch_to(game.callee);
      rounds[t] = game.rounds;
    });
  }
  for (auto& w : workers) w.join();
  for (int t = 0; t < threads; ++t) EXPECT_EQ(rounds[t], static_cast<std::uint64_t>(round_trips));
}

struct migrating {
  execution_context* resumer = nullptr;  // the thread context to go back to: set before each resume
  execution_context self;
  std::vector<int> steps;
};

void record_steps(void* arg) {
  auto& m = *static_cast<migrating*>(arg);
  for (int step = 0;; ++step) {
    m.steps.push_back(step);
    m.self.switch_to(*m.resumer);
  }
}

TEST(ExecutionContext, ASuspendedContextResumesOnAnotherThread) {
  constexpr int hops = 20;
  test_stack stack;
  migrating m;
  m.self.setup(stack.view(), &record_steps, &m);
  for (int hop = 0; hop < hops; ++hop) {
    std::thread([&m] {
      execution_context here;
      m.resumer = &here;
      here.switch_to(m.self);
      here.switch_to(m.self);  // twice per thread: the second resume finds it suspended here
    }).join();
  }
  ASSERT_EQ(m.steps.size(), static_cast<std::size_t>(2 * hops));
  for (int i = 0; i < 2 * hops; ++i) EXPECT_EQ(m.steps[i], i);
}

// ---- misuse ---------------------------------------------------------------------------------

#if GTEST_HAS_DEATH_TEST
void return_at_once(void*) {}

TEST(ExecutionContextDeathTest, AnEntryThatReturnsAbortsWithAMessage) {
  // "threadsafe" re-executes the test binary, which a user-mode emulator (qemu-aarch64 without
  // binfmt_misc) cannot do from inside; there a plain fork ("fast") is the one that works.
  GTEST_FLAG_SET(death_test_style, SPINDLE_TEST_UNDER_EMULATOR ? "fast" : "threadsafe");
  EXPECT_DEATH(
      {
        test_stack stack;
        execution_context caller;
        execution_context callee;
        callee.setup(stack.view(), &return_at_once, nullptr);
        caller.switch_to(callee);
      },
      "entry function returned");
}

TEST(ExecutionContextDeathTest, SwitchingToAContextNeverSetUpAbortsWithAMessage) {
#ifdef NDEBUG
  GTEST_SKIP() << "the check is a SPINDLE_ASSERT, compiled out with NDEBUG";
#endif
  GTEST_FLAG_SET(death_test_style, SPINDLE_TEST_UNDER_EMULATOR ? "fast" : "threadsafe");
  EXPECT_DEATH(
      {
        execution_context caller;
        execution_context never_set_up;
        caller.switch_to(never_set_up);
      },
      "never set up");
}

[[noreturn]] void throw_out_of_the_entry(void*) { throw std::runtime_error("escaped the entry"); }

// The unwinder must stop at the trampoline (the outermost frame) and find no handler, rather
// than walk off the top of the context's stack. With DWARF unwinding that is std::terminate and
// its message; on Windows it is an unhandled SEH exception (no CRT frame above the trampoline
// turns it back into a terminate), which ends the process without that message.
#ifdef _WIN32
constexpr const char* escaped_exception_message = "";
#else
constexpr const char* escaped_exception_message = "escaped the entry";
#endif

TEST(ExecutionContextDeathTest, AnExceptionEscapingTheEntryTerminates) {
  GTEST_FLAG_SET(death_test_style, SPINDLE_TEST_UNDER_EMULATOR ? "fast" : "threadsafe");
  EXPECT_DEATH(
      {
        test_stack stack;
        execution_context caller;
        execution_context callee;
        callee.setup(stack.view(), &throw_out_of_the_entry, nullptr);
        caller.switch_to(callee);
      },
      escaped_exception_message);
}
#endif

}  // namespace
}  // namespace spindle::context
