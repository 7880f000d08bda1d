// Every callee-saved register of the ABI, integer and vector/FP, and the FP control registers
// (MXCSR and x87 control word / FPCR) survive a switch away and back through a context that has
// loaded different values into all of them. The loading, the switch call and the read-back are
// assembly (register_probe_<abi>.S), so no compiler-saved register can hide a missing save.
#include <spindle/context/execution_context.hpp>
#include <spindle/context/machine_context.hpp>

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <type_traits>

#include <gtest/gtest.h>

#include "register_probe.hpp"
#include "test_stack.hpp"

namespace spindle::context {
namespace {

using test::switch_call;
using test::switch_function;
using test::test_stack;
using test::value_count;
using values = std::array<std::uint64_t, value_count>;

// ---- per ABI: which slot is what, and valid non-default FP control values ----------------------

#if SPINDLE_CONTEXT_ABI_X86_64_SYSV
const char* const slot_names[value_count] = {"rbx", "rbp", "r12", "r13", "r14", "r15", "mxcsr", "x87 cw"};
constexpr std::size_t mxcsr_slot = 6;
constexpr std::size_t x87_slot = 7;
#elif SPINDLE_CONTEXT_ABI_X86_64_WIN64
const char* const slot_names[value_count] = {
    "rbx", "rbp", "rdi", "rsi", "r12", "r13", "r14", "r15", "mxcsr", "x87 cw",
    "xmm6.lo", "xmm6.hi", "xmm7.lo", "xmm7.hi", "xmm8.lo", "xmm8.hi", "xmm9.lo", "xmm9.hi",
    "xmm10.lo", "xmm10.hi", "xmm11.lo", "xmm11.hi", "xmm12.lo", "xmm12.hi", "xmm13.lo",
    "xmm13.hi", "xmm14.lo", "xmm14.hi", "xmm15.lo", "xmm15.hi"};
constexpr std::size_t mxcsr_slot = 8;
constexpr std::size_t x87_slot = 9;
#elif SPINDLE_CONTEXT_ABI_AARCH64
const char* const slot_names[value_count] = {
    "x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29 (fp)",
    "d8", "d9", "d10", "d11", "d12", "d13", "d14", "d15", "fpcr"};
constexpr std::size_t fpcr_slot = 19;
#endif

#if SPINDLE_CONTEXT_ABI_X86_64_SYSV || SPINDLE_CONTEXT_ABI_X86_64_WIN64
// MXCSR: all exceptions masked (0x1F80) plus, per side, a different rounding mode and
// flush-to-zero / denormals-are-zero. The low 6 bits are sticky exception flags (status, not
// control, and caller-saved): they are not compared.
constexpr std::uint64_t mxcsr_values[2] = {0x1F80 | 0x6000 | 0x8000 | 0x0040,  // toward zero, FZ, DAZ
                                           0x1F80 | 0x2000};                   // toward -inf
constexpr std::uint64_t mxcsr_flags = 0x3F;
// x87 control word: masks (0x3F) and the reserved bit 6, plus per side a different precision
// control (bits 8-9) and rounding control (bits 10-11) than the default 0x037F.
constexpr std::uint64_t x87_values[2] = {0x007F | 0x0200 | 0x0C00,  // 53-bit, toward zero
                                         0x007F | 0x0400};          // 24-bit, toward -inf
#elif SPINDLE_CONTEXT_ABI_AARCH64
// FPCR: per side a different rounding mode (bits 22-23), flush-to-zero (24), default NaN (25).
constexpr std::uint64_t fpcr_values[2] = {0x00C00000 | 0x01000000 | 0x02000000,  // toward zero, FZ, DN
                                          0x00400000};                           // toward +inf
#endif

// Distinct in every slot, every side and every round, so a value left over from the other
// context (or from an earlier round) cannot pass for the right one.
values pattern(int side, std::uint64_t round) {
  values v{};
  for (std::size_t i = 0; i < value_count; ++i) {
    v[i] = 0xA500'0000'0000'0000ull ^ (static_cast<std::uint64_t>(side + 1) << 52) ^
           (static_cast<std::uint64_t>(i + 1) << 40) ^ (round * 0x9E37'79B9ull);
  }
#if SPINDLE_CONTEXT_ABI_X86_64_SYSV || SPINDLE_CONTEXT_ABI_X86_64_WIN64
  v[mxcsr_slot] = mxcsr_values[side];
  v[x87_slot] = x87_values[side];
#elif SPINDLE_CONTEXT_ABI_AARCH64
  v[fpcr_slot] = fpcr_values[side];
#endif
  return v;
}

// Names every slot that differs; empty when all survived.
std::string mismatches(const values& expected, const values& actual) {
  std::string report;
  for (std::size_t i = 0; i < value_count; ++i) {
    std::uint64_t e = expected[i];
    std::uint64_t a = actual[i];
#if SPINDLE_CONTEXT_ABI_X86_64_SYSV || SPINDLE_CONTEXT_ABI_X86_64_WIN64
    if (i == mxcsr_slot) {
      e &= ~mxcsr_flags;
      a &= ~mxcsr_flags;
    }
#endif
    if (e != a) {
      char line[128];
      std::snprintf(line, sizeof line, " %s: expected %#llx got %#llx;", slot_names[i],
                    static_cast<unsigned long long>(e), static_cast<unsigned long long>(a));
      report += line;
    }
  }
  return report;
}

// ---- the two sides --------------------------------------------------------------------------

// How a side reaches the other: the raw assembly switch (machine_context), or the
// sanitizer-aware execution_context behind a C++ thunk.
enum class switch_kind { raw, annotated };

constexpr int round_trips = 1000;

struct register_game {
  switch_kind kind;
  machine_context main_machine;
  machine_context other_machine;
  execution_context main_exec;
  execution_context other_exec;
  std::uint64_t other_rounds = 0;
  std::string other_failures;  // written by the other side, checked by the test body
};

// machine_context is a standard-layout class whose only member is the saved stack pointer, so
// a pointer to it is a pointer to that member: this is the raw switch's save slot.
static_assert(std::is_standard_layout_v<machine_context> && sizeof(machine_context) == sizeof(void*));
void** save_slot(machine_context& context) { return reinterpret_cast<void**>(&context); }

extern "C" void switch_annotated(void* from, void* to) {
  static_cast<execution_context*>(from)->switch_to(*static_cast<execution_context*>(to));
}

switch_call make_call(register_game& game, bool from_main, const values& in, values& out) {
  machine_context& from = from_main ? game.main_machine : game.other_machine;
  machine_context& to = from_main ? game.other_machine : game.main_machine;
  if (game.kind == switch_kind::raw) {
    return {reinterpret_cast<switch_function>(&detail::spindle_context_switch), save_slot(from),
            *save_slot(to), in.data(), out.data()};
  }
  return {&switch_annotated, from_main ? &game.main_exec : &game.other_exec,
          from_main ? &game.other_exec : &game.main_exec, in.data(), out.data()};
}

void other_side(void* arg) {
  auto& game = *static_cast<register_game*>(arg);
  for (std::uint64_t round = 0;; ++round) {
    const values in = pattern(1, round);
    values out{};
    const switch_call call = make_call(game, /*from_main=*/false, in, out);
    test::spindle_test_switch_with_values(&call);
    // Back here: main switched to us again. Our values must have survived main's.
    game.other_failures += mismatches(in, out);
    ++game.other_rounds;
  }
}

void play(switch_kind kind) {
  test_stack stack;
  register_game game;
  game.kind = kind;
  if (kind == switch_kind::raw) {
    game.other_machine.prepare(stack.view(), &other_side, &game);
  } else {
    game.other_exec.setup(stack.view(), &other_side, &game);
  }
  for (std::uint64_t round = 0; round < round_trips; ++round) {
    const values in = pattern(0, round);
    values out{};
    const switch_call call = make_call(game, /*from_main=*/true, in, out);
    test::spindle_test_switch_with_values(&call);
    const std::string failures = mismatches(in, out);
    ASSERT_TRUE(failures.empty()) << "round " << round << ":" << failures;
    ASSERT_TRUE(game.other_failures.empty()) << "other side:" << game.other_failures;
  }
  EXPECT_EQ(game.other_rounds, static_cast<std::uint64_t>(round_trips - 1));
}

// The raw switch runs only without sanitizers: under ASAN/TSAN an unannotated stack switch would
// confuse the sanitizer itself. The annotated switch runs everywhere.
#if !SPINDLE_CONTEXT_ANNOTATED
TEST(Registers, EveryCalleeSavedRegisterSurvivesTheRawSwitch) { play(switch_kind::raw); }
#endif

TEST(Registers, EveryCalleeSavedRegisterSurvivesTheExecutionContextSwitch) {
  play(switch_kind::annotated);
}

TEST(Registers, TheProbeReallySetsAndReadsTheRegisters) {
  // A switch function that does nothing: what comes back is what was loaded, which shows the
  // probe itself is not the reason the tests above pass...
  const values in = pattern(0, 7);
  values out{};
  const switch_call call{[](void*, void*) {}, nullptr, nullptr, in.data(), out.data()};
  test::spindle_test_switch_with_values(&call);
  EXPECT_EQ(mismatches(in, out), "");
  // ...and a plain comparison of two different patterns reports every slot.
  const values other = pattern(1, 7);
  std::string report = mismatches(in, other);
  for (const char* name : slot_names) EXPECT_NE(report.find(std::string(" ") + name + ":"), std::string::npos) << name;
}

}  // namespace
}  // namespace spindle::context
