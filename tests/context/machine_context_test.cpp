// machine_context: the raw switch, and the stack a fresh context's entry starts on.
#include <spindle/context/execution_context.hpp>
#include <spindle/context/machine_context.hpp>

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <gtest/gtest.h>

#include "register_probe.hpp"
#include "test_stack.hpp"

namespace spindle::context {
namespace {

using test::entry_probe;
using test::test_stack;

// ---- the raw switch (no sanitizer annotations, so only in builds without sanitizers) ---------

#if !SPINDLE_CONTEXT_ANNOTATED
struct raw_game {
  machine_context caller;
  machine_context callee;
  std::uint64_t value = 0;
};

void square_and_switch_back(void* arg) {
  auto& game = *static_cast<raw_game*>(arg);
  for (;;) {
    game.value = game.value * game.value % 1'000'003;
    game.callee.switch_to(game.caller);
  }
}

TEST(MachineContext, RawPingPong) {
  test_stack stack;
  raw_game game;
  game.callee.prepare(stack.view(), &square_and_switch_back, &game);
  std::uint64_t expected = 0;
  for (std::uint64_t i = 0; i < 100'000; ++i) {
    game.value = i + 2;
    expected = (i + 2) * (i + 2) % 1'000'003;
    game.caller.switch_to(game.callee);
    ASSERT_EQ(game.value, expected);
  }
}

// switch_symmetric_to(): three contexts passing control round a ring, each switching from the
// same call site it is resumed at (the pattern it is tuned for), the main context among them.
struct ring_game {
  machine_context contexts[3];  // [0]: the test's own
  std::uint64_t trace = 0;      // each hop appends the number of the context that ran
  int hops_left = 0;
};

void append_and_pass_on(ring_game& game, int self) {
  game.trace = (game.trace * 4 + static_cast<std::uint64_t>(self)) % 1'000'000'007;
  --game.hops_left;
  game.contexts[self].switch_symmetric_to(game.contexts[(self + 1) % 3]);
}

template <int Self>
void ring_member(void* arg) {
  auto& game = *static_cast<ring_game*>(arg);
  for (;;) append_and_pass_on(game, Self);
}

TEST(MachineContext, SymmetricSwitchRoundARing) {
  test_stack stack1;
  test_stack stack2;
  ring_game game;
  game.contexts[1].prepare(stack1.view(), &ring_member<1>, &game);
  game.contexts[2].prepare(stack2.view(), &ring_member<2>, &game);
  std::uint64_t expected = 0;
  for (int lap = 0; lap < 10'000; ++lap) {
    for (int self = 0; self < 3; ++self) {
      expected = (expected * 4 + static_cast<std::uint64_t>(self)) % 1'000'000'007;
    }
    game.hops_left = 3;
    append_and_pass_on(game, 0);  // runs 1 and 2, which hand back to us
    ASSERT_EQ(game.hops_left, 0);
    ASSERT_EQ(game.trace, expected);
  }
}

TEST(MachineContext, ExitToLeavesForGood) {
  struct exit_game {
    machine_context caller;
    machine_context callee;
    int runs = 0;
  };
  test_stack stack;
  exit_game game;
  for (int i = 0; i < 100; ++i) {
    game.callee.prepare(stack.view(), [](void* arg) {
      auto& g = *static_cast<exit_game*>(arg);
      ++g.runs;
      g.callee.exit_to(g.caller);
    }, &game);
    game.caller.switch_to(game.callee);
  }
  EXPECT_EQ(game.runs, 100);
}
#endif

// ---- alignment at entry ---------------------------------------------------------------------

// What the stack pointer must be at a function's first instruction, after the call pushed (or,
// on aarch64, did not push) the return address.
#if SPINDLE_CONTEXT_ABI_AARCH64
constexpr std::uintptr_t entry_sp_remainder = 0;
#else
constexpr std::uintptr_t entry_sp_remainder = 8;
#endif

using float4 = float __attribute__((vector_size(16)));

struct alignment_run {
  entry_probe probe;  // first member: the probe hands its address to the continuation
  execution_context* caller = nullptr;
  execution_context* self = nullptr;
  std::uintptr_t vector_address = 0;
  std::uintptr_t max_align_address = 0;
  float vector_sum = 0;
};
static_assert(std::is_standard_layout_v<alignment_run>);

// Aligned SIMD locals and a max_align_t on the entry's own frames: compilers address these
// assuming the ABI's stack alignment, so a misaligned entry stack shows up here (or faults on
// an aligned vector move).
[[gnu::noinline]] float use_aligned_locals(alignment_run& run, float seed) {
  volatile float4 a = {seed, seed + 1, seed + 2, seed + 3};
  volatile std::max_align_t m{};
  run.vector_address = reinterpret_cast<std::uintptr_t>(&a);
  run.max_align_address = reinterpret_cast<std::uintptr_t>(&m);
  float4 b = a;
  b = b * b + 1;
  return b[0] + b[1] + b[2] + b[3];
}

void after_probe(entry_probe* probe) {
  auto& run = *reinterpret_cast<alignment_run*>(probe);
  run.vector_sum = use_aligned_locals(run, 1.0f);
  run.self->exit_to(*run.caller);
}

TEST(MachineContext, EntryRunsOnAnAbiAlignedStack) {
  test_stack stack;
  // Stack tops at every 8-byte offset modulo 64, so prepare() has to align each one itself.
  for (std::size_t trim = 0; trim < 64; trim += 8) {
    const stack_view view{stack.view().lowest, stack.view().size - trim};
    execution_context caller;
    execution_context self;
    alignment_run run;
    run.caller = &caller;
    run.self = &self;
    run.probe.continuation = &after_probe;
    self.setup(view, &test::spindle_test_entry_sp_probe, &run.probe);
    caller.switch_to(self);

    const auto top = reinterpret_cast<std::uintptr_t>(view.top());
    EXPECT_EQ(run.probe.entry_sp % 16, entry_sp_remainder) << "trim " << trim;
    EXPECT_LE(run.probe.entry_sp, top);  // equal on aarch64: a call pushes nothing there
    EXPECT_GE(run.probe.entry_sp, reinterpret_cast<std::uintptr_t>(view.lowest));
#if SPINDLE_CONTEXT_ABI_X86_64_WIN64
    // Above the return address: the caller-allocated 32-byte shadow space, inside the stack.
    EXPECT_LE(run.probe.entry_sp + 8 + 32, top) << "trim " << trim;
#endif
    EXPECT_EQ(run.vector_address % 16, 0u) << "trim " << trim;
    EXPECT_EQ(run.max_align_address % alignof(std::max_align_t), 0u) << "trim " << trim;
    EXPECT_EQ(run.vector_sum, 2.0f + 5.0f + 10.0f + 17.0f);
  }
}

}  // namespace
}  // namespace spindle::context
