// The switch frame: what spindle_context_switch leaves on the stack of a suspended context, and
// what machine_context::prepare() lays out so that the first switch into a fresh context starts
// it. A suspended context is nothing but a stack pointer to one of these.
//
// This is the ONE offsets header: the assembly (context/src/<abi>.S) addresses the frame through
// the SPINDLE_CONTEXT_FRAME_* macros, the C++ side through the switch_frame struct, and the
// static_asserts at the bottom tie the two together. Change a layout here and both follow, or
// the build fails.
//
// Offsets are in bytes from the saved stack pointer. Each ABI's frame is a multiple of 16 bytes
// and is entered with a 16-byte aligned stack pointer, so the saved stack pointer is 16-byte
// aligned too (which the Win64 frame relies on for movaps of xmm6-xmm15).
//
// Included by assembly: everything C++ sits under #ifndef __ASSEMBLER__.
#pragma once

#include <spindle/context/detail/abi.hpp>

#if SPINDLE_CONTEXT_ABI_X86_64_SYSV || SPINDLE_CONTEXT_ABI_X86_64_WIN64
// MXCSR bits that switch with a context: all but the six sticky exception flags (bits 0-5,
// caller-saved status that stays with the thread).
#define SPINDLE_CONTEXT_MXCSR_CONTROL_MASK 0xFFC0
#endif

#if SPINDLE_CONTEXT_ABI_X86_64_SYSV
// 0x00 MXCSR (4 bytes), x87 control word (2 bytes), 2 bytes padding
#define SPINDLE_CONTEXT_FRAME_MXCSR 0x00
#define SPINDLE_CONTEXT_FRAME_X87_CW 0x04
#define SPINDLE_CONTEXT_FRAME_R12 0x08 /* fresh context: the entry function */
#define SPINDLE_CONTEXT_FRAME_R13 0x10 /* fresh context: the entry's argument */
#define SPINDLE_CONTEXT_FRAME_R14 0x18
#define SPINDLE_CONTEXT_FRAME_R15 0x20
#define SPINDLE_CONTEXT_FRAME_RBX 0x28
#define SPINDLE_CONTEXT_FRAME_RBP 0x30 /* fresh context: 0, ends frame-pointer chains */
#define SPINDLE_CONTEXT_FRAME_RESUME 0x38 /* the return address the caller's `call` pushed */
#define SPINDLE_CONTEXT_FRAME_SIZE 0x40
// Bytes a fresh context keeps between its frame and the top of its stack: none, the trampoline
// calls the entry with the stack pointer at the (aligned) top.
#define SPINDLE_CONTEXT_ENTRY_AREA 0x00

#elif SPINDLE_CONTEXT_ABI_X86_64_WIN64
#define SPINDLE_CONTEXT_FRAME_XMM6 0x00 /* xmm6..xmm15: 16 bytes each, 16-byte aligned */
#define SPINDLE_CONTEXT_FRAME_XMM7 0x10
#define SPINDLE_CONTEXT_FRAME_XMM8 0x20
#define SPINDLE_CONTEXT_FRAME_XMM9 0x30
#define SPINDLE_CONTEXT_FRAME_XMM10 0x40
#define SPINDLE_CONTEXT_FRAME_XMM11 0x50
#define SPINDLE_CONTEXT_FRAME_XMM12 0x60
#define SPINDLE_CONTEXT_FRAME_XMM13 0x70
#define SPINDLE_CONTEXT_FRAME_XMM14 0x80
#define SPINDLE_CONTEXT_FRAME_XMM15 0x90
#define SPINDLE_CONTEXT_FRAME_MXCSR 0xA0
#define SPINDLE_CONTEXT_FRAME_X87_CW 0xA4
#define SPINDLE_CONTEXT_FRAME_DEALLOCATION_STACK 0xA8 /* TEB fields, see below */
#define SPINDLE_CONTEXT_FRAME_STACK_LIMIT 0xB0
#define SPINDLE_CONTEXT_FRAME_STACK_BASE 0xB8
#define SPINDLE_CONTEXT_FRAME_R12 0xC0 /* fresh context: the entry function */
#define SPINDLE_CONTEXT_FRAME_R13 0xC8 /* fresh context: the entry's argument */
#define SPINDLE_CONTEXT_FRAME_R14 0xD0
#define SPINDLE_CONTEXT_FRAME_R15 0xD8
#define SPINDLE_CONTEXT_FRAME_RDI 0xE0
#define SPINDLE_CONTEXT_FRAME_RSI 0xE8
#define SPINDLE_CONTEXT_FRAME_RBX 0xF0
#define SPINDLE_CONTEXT_FRAME_RBP 0xF8 /* fresh context: 0 */
#define SPINDLE_CONTEXT_FRAME_EXCEPTION_LIST 0x100 /* TEB field; fresh context: -1, empty */
#define SPINDLE_CONTEXT_FRAME_RESUME 0x108
#define SPINDLE_CONTEXT_FRAME_SIZE 0x110
// Above a fresh frame: the 32-byte shadow (home) space the trampoline's callee may use, 8 bytes
// padding, and a null "return address" that ends SEH stack walks (the trampoline's unwind info
// says its frame is SPINDLE_CONTEXT_TRAMPOLINE_ALLOC bytes, so the walk reads that null).
#define SPINDLE_CONTEXT_ENTRY_AREA 0x30
#define SPINDLE_CONTEXT_TRAMPOLINE_ALLOC 0x28
// Thread Environment Block fields, reached through %gs. Windows and wine check exception
// frames against StackBase/StackLimit (an SEH frame outside them is "invalid" and the exception
// goes unhandled), and the stack-overflow machinery reads DeallocationStack. ExceptionList is
// unused by x64 Windows itself (its SEH is table-based), but wine chains its internal __TRY
// frames through it and, while dispatching, calls every one whose address is below the
// faulting frame: a context whose stack lies above the thread's stack would have the
// thread's outer wine frames "handle" (and swallow) its C++ exceptions. So each context has
// its own list, empty (-1) when fresh.
#define SPINDLE_CONTEXT_TEB_EXCEPTION_LIST 0x00
#define SPINDLE_CONTEXT_TEB_STACK_BASE 0x08
#define SPINDLE_CONTEXT_TEB_STACK_LIMIT 0x10
#define SPINDLE_CONTEXT_TEB_DEALLOCATION_STACK 0x1478

#elif SPINDLE_CONTEXT_ABI_AARCH64
#define SPINDLE_CONTEXT_FRAME_D8 0x00 /* d8..d15: the low 64 bits of v8..v15 */
#define SPINDLE_CONTEXT_FRAME_D10 0x10
#define SPINDLE_CONTEXT_FRAME_D12 0x20
#define SPINDLE_CONTEXT_FRAME_D14 0x30
#define SPINDLE_CONTEXT_FRAME_X19 0x40 /* fresh context: the entry function */
#define SPINDLE_CONTEXT_FRAME_X20 0x48 /* fresh context: the entry's argument */
#define SPINDLE_CONTEXT_FRAME_X21 0x50
#define SPINDLE_CONTEXT_FRAME_X23 0x60
#define SPINDLE_CONTEXT_FRAME_X25 0x70
#define SPINDLE_CONTEXT_FRAME_X27 0x80
#define SPINDLE_CONTEXT_FRAME_FP 0x90 /* x29; fresh context: 0, ends frame-record chains */
#define SPINDLE_CONTEXT_FRAME_RESUME 0x98 /* x30 (lr); fresh context: the trampoline */
#define SPINDLE_CONTEXT_FRAME_FPCR 0xA0
// 0xA8: 8 bytes padding (sp must stay 16-byte aligned)
#define SPINDLE_CONTEXT_FRAME_SIZE 0xB0
#define SPINDLE_CONTEXT_ENTRY_AREA 0x00
#endif

#ifndef __ASSEMBLER__
#include <cstddef>
#include <cstdint>

namespace spindle::context::detail {

#if SPINDLE_CONTEXT_ABI_X86_64_SYSV
struct switch_frame {
  std::uint32_t mxcsr;
  std::uint16_t x87_control_word;
  std::uint16_t padding;
  std::uint64_t r12, r13, r14, r15, rbx, rbp;
  const void* resume;
};
static_assert(offsetof(switch_frame, mxcsr) == SPINDLE_CONTEXT_FRAME_MXCSR);
static_assert(offsetof(switch_frame, x87_control_word) == SPINDLE_CONTEXT_FRAME_X87_CW);
static_assert(offsetof(switch_frame, r12) == SPINDLE_CONTEXT_FRAME_R12);
static_assert(offsetof(switch_frame, r13) == SPINDLE_CONTEXT_FRAME_R13);
static_assert(offsetof(switch_frame, r14) == SPINDLE_CONTEXT_FRAME_R14);
static_assert(offsetof(switch_frame, r15) == SPINDLE_CONTEXT_FRAME_R15);
static_assert(offsetof(switch_frame, rbx) == SPINDLE_CONTEXT_FRAME_RBX);
static_assert(offsetof(switch_frame, rbp) == SPINDLE_CONTEXT_FRAME_RBP);
static_assert(offsetof(switch_frame, resume) == SPINDLE_CONTEXT_FRAME_RESUME);

// Nothing sits above a fresh frame.
struct entry_area {};

#elif SPINDLE_CONTEXT_ABI_X86_64_WIN64
struct alignas(16) xmm_slot {
  std::uint64_t low, high;
};
struct switch_frame {
  xmm_slot xmm[10];  // xmm6..xmm15
  std::uint32_t mxcsr;
  std::uint16_t x87_control_word;
  std::uint16_t padding;
  const void* deallocation_stack;
  const void* stack_limit;
  const void* stack_base;
  std::uint64_t r12, r13, r14, r15, rdi, rsi, rbx, rbp;
  const void* exception_list;
  const void* resume;
};
static_assert(offsetof(switch_frame, xmm[0]) == SPINDLE_CONTEXT_FRAME_XMM6);
static_assert(offsetof(switch_frame, xmm[1]) == SPINDLE_CONTEXT_FRAME_XMM7);
static_assert(offsetof(switch_frame, xmm[2]) == SPINDLE_CONTEXT_FRAME_XMM8);
static_assert(offsetof(switch_frame, xmm[3]) == SPINDLE_CONTEXT_FRAME_XMM9);
static_assert(offsetof(switch_frame, xmm[4]) == SPINDLE_CONTEXT_FRAME_XMM10);
static_assert(offsetof(switch_frame, xmm[5]) == SPINDLE_CONTEXT_FRAME_XMM11);
static_assert(offsetof(switch_frame, xmm[6]) == SPINDLE_CONTEXT_FRAME_XMM12);
static_assert(offsetof(switch_frame, xmm[7]) == SPINDLE_CONTEXT_FRAME_XMM13);
static_assert(offsetof(switch_frame, xmm[8]) == SPINDLE_CONTEXT_FRAME_XMM14);
static_assert(offsetof(switch_frame, xmm[9]) == SPINDLE_CONTEXT_FRAME_XMM15);
static_assert(offsetof(switch_frame, mxcsr) == SPINDLE_CONTEXT_FRAME_MXCSR);
static_assert(offsetof(switch_frame, x87_control_word) == SPINDLE_CONTEXT_FRAME_X87_CW);
static_assert(offsetof(switch_frame, deallocation_stack) == SPINDLE_CONTEXT_FRAME_DEALLOCATION_STACK);
static_assert(offsetof(switch_frame, stack_limit) == SPINDLE_CONTEXT_FRAME_STACK_LIMIT);
static_assert(offsetof(switch_frame, stack_base) == SPINDLE_CONTEXT_FRAME_STACK_BASE);
static_assert(offsetof(switch_frame, r12) == SPINDLE_CONTEXT_FRAME_R12);
static_assert(offsetof(switch_frame, r13) == SPINDLE_CONTEXT_FRAME_R13);
static_assert(offsetof(switch_frame, r14) == SPINDLE_CONTEXT_FRAME_R14);
static_assert(offsetof(switch_frame, r15) == SPINDLE_CONTEXT_FRAME_R15);
static_assert(offsetof(switch_frame, rdi) == SPINDLE_CONTEXT_FRAME_RDI);
static_assert(offsetof(switch_frame, rsi) == SPINDLE_CONTEXT_FRAME_RSI);
static_assert(offsetof(switch_frame, rbx) == SPINDLE_CONTEXT_FRAME_RBX);
static_assert(offsetof(switch_frame, rbp) == SPINDLE_CONTEXT_FRAME_RBP);
static_assert(offsetof(switch_frame, exception_list) == SPINDLE_CONTEXT_FRAME_EXCEPTION_LIST);
static_assert(offsetof(switch_frame, resume) == SPINDLE_CONTEXT_FRAME_RESUME);

struct entry_area {
  std::byte shadow_space[32];  // the Win64 caller-allocated home area for 4 register args
  std::uint64_t padding;
  const void* null_return_address;  // where an SEH stack walk ends
};
static_assert(offsetof(entry_area, null_return_address) == SPINDLE_CONTEXT_TRAMPOLINE_ALLOC);

#elif SPINDLE_CONTEXT_ABI_AARCH64
struct switch_frame {
  std::uint64_t d8, d9, d10, d11, d12, d13, d14, d15;
  std::uint64_t x19, x20, x21, x22, x23, x24, x25, x26, x27, x28;
  std::uint64_t fp;
  const void* resume;
  std::uint64_t fpcr;
  std::uint64_t padding;
};
static_assert(offsetof(switch_frame, d8) == SPINDLE_CONTEXT_FRAME_D8);
static_assert(offsetof(switch_frame, d10) == SPINDLE_CONTEXT_FRAME_D10);
static_assert(offsetof(switch_frame, d12) == SPINDLE_CONTEXT_FRAME_D12);
static_assert(offsetof(switch_frame, d14) == SPINDLE_CONTEXT_FRAME_D14);
static_assert(offsetof(switch_frame, x19) == SPINDLE_CONTEXT_FRAME_X19);
static_assert(offsetof(switch_frame, x20) == SPINDLE_CONTEXT_FRAME_X20);
static_assert(offsetof(switch_frame, x21) == SPINDLE_CONTEXT_FRAME_X21);
static_assert(offsetof(switch_frame, x23) == SPINDLE_CONTEXT_FRAME_X23);
static_assert(offsetof(switch_frame, x25) == SPINDLE_CONTEXT_FRAME_X25);
static_assert(offsetof(switch_frame, x27) == SPINDLE_CONTEXT_FRAME_X27);
static_assert(offsetof(switch_frame, fp) == SPINDLE_CONTEXT_FRAME_FP);
static_assert(offsetof(switch_frame, resume) == SPINDLE_CONTEXT_FRAME_RESUME);
static_assert(offsetof(switch_frame, fpcr) == SPINDLE_CONTEXT_FRAME_FPCR);

struct entry_area {};
#endif

static_assert(sizeof(switch_frame) == SPINDLE_CONTEXT_FRAME_SIZE);
// A switch frame starts 16-byte aligned and ends 16-byte aligned: the stack pointer the
// trampoline (or the resumed caller) sees after the frame is popped is aligned as the ABI wants.
static_assert(SPINDLE_CONTEXT_FRAME_SIZE % 16 == 0);
static_assert(SPINDLE_CONTEXT_ENTRY_AREA % 16 == 0);
static_assert(SPINDLE_CONTEXT_ENTRY_AREA == 0 || sizeof(entry_area) == SPINDLE_CONTEXT_ENTRY_AREA);

}  // namespace spindle::context::detail
#endif  // __ASSEMBLER__
