// The interface of the test-only assembly (register_probe_<abi>.S), shared by the assembly and
// the C++ tests. Assembly-compatible: C++ under #ifndef __ASSEMBLER__.
//
// spindle_test_switch_with_values(const switch_call* call):
//   saves its caller's callee-saved state, loads EVERY callee-saved register and FP control
//   register from call->values_in, calls call->switch_fn(call->from, call->to) (the context
//   switch), then stores what those registers hold on return into call->values_out, restores
//   its caller's state and returns. Nothing between the loads and the switch can save or
//   restore a register behind the test's back when switch_fn is the raw switch.
//
// spindle_test_entry_sp_probe(entry_probe* probe):
//   an entry function: records the stack pointer at its first instruction in probe->entry_sp,
//   then tail-jumps to probe->continuation(probe) (same stack pointer).
#pragma once

#include <spindle/context/detail/abi.hpp>

// struct switch_call: byte offsets
#define SPINDLE_TEST_CALL_SWITCH_FN 0
#define SPINDLE_TEST_CALL_FROM 8
#define SPINDLE_TEST_CALL_TO 16
#define SPINDLE_TEST_CALL_VALUES_IN 24
#define SPINDLE_TEST_CALL_VALUES_OUT 32

// struct entry_probe: byte offsets
#define SPINDLE_TEST_PROBE_ENTRY_SP 0
#define SPINDLE_TEST_PROBE_CONTINUATION 8

// The value table: 64-bit slots, in this order per ABI (FP control registers in the low bits of
// their slot, vector registers as two slots, low half first).
#if SPINDLE_CONTEXT_ABI_X86_64_SYSV
// rbx rbp r12 r13 r14 r15 | mxcsr x87cw
#define SPINDLE_TEST_VALUE_COUNT 8
#elif SPINDLE_CONTEXT_ABI_X86_64_WIN64
// rbx rbp rdi rsi r12 r13 r14 r15 | mxcsr x87cw | xmm6.lo xmm6.hi ... xmm15.lo xmm15.hi
#define SPINDLE_TEST_VALUE_COUNT 30
#elif SPINDLE_CONTEXT_ABI_AARCH64
// x19 .. x28 x29 | d8 .. d15 | fpcr
#define SPINDLE_TEST_VALUE_COUNT 20
#endif

#ifndef __ASSEMBLER__
#include <cstddef>
#include <cstdint>

namespace spindle::context::test {

using switch_function = void (*)(void*, void*);

struct switch_call {
  switch_function switch_fn;
  void* from;
  void* to;
  const std::uint64_t* values_in;
  std::uint64_t* values_out;
};
static_assert(offsetof(switch_call, switch_fn) == SPINDLE_TEST_CALL_SWITCH_FN);
static_assert(offsetof(switch_call, from) == SPINDLE_TEST_CALL_FROM);
static_assert(offsetof(switch_call, to) == SPINDLE_TEST_CALL_TO);
static_assert(offsetof(switch_call, values_in) == SPINDLE_TEST_CALL_VALUES_IN);
static_assert(offsetof(switch_call, values_out) == SPINDLE_TEST_CALL_VALUES_OUT);

struct entry_probe {
  std::uintptr_t entry_sp = 0;
  void (*continuation)(entry_probe*) = nullptr;
};
static_assert(offsetof(entry_probe, entry_sp) == SPINDLE_TEST_PROBE_ENTRY_SP);
static_assert(offsetof(entry_probe, continuation) == SPINDLE_TEST_PROBE_CONTINUATION);

inline constexpr std::size_t value_count = SPINDLE_TEST_VALUE_COUNT;

extern "C" void spindle_test_switch_with_values(const switch_call* call);
extern "C" void spindle_test_entry_sp_probe(void* probe);

}  // namespace spindle::context::test
#endif
