// machine_context::prepare(): lays out the first switch frame of a fresh context (the layout is
// detail/switch_frame.hpp, shared with the assembly), and the trampoline's error path.
#include <spindle/context/machine_context.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <spindle/base/config.hpp>
#include <spindle/context/detail/switch_frame.hpp>

#if SPINDLE_CONTEXT_ABI_X86_64_WIN64
#include <windows.h>
#endif

namespace spindle::context {

namespace {

constexpr std::uintptr_t stack_alignment = 16;  // at a call, on all three ABIs

#if SPINDLE_CONTEXT_ABI_X86_64_WIN64
// The terminator of an (empty) EXCEPTION_REGISTRATION_RECORD chain.
constexpr std::uintptr_t end_of_exception_list = ~std::uintptr_t{0};

static_assert(offsetof(NT_TIB, ExceptionList) == SPINDLE_CONTEXT_TEB_EXCEPTION_LIST);
static_assert(offsetof(NT_TIB, StackBase) == SPINDLE_CONTEXT_TEB_STACK_BASE);
static_assert(offsetof(NT_TIB, StackLimit) == SPINDLE_CONTEXT_TEB_STACK_LIMIT);
#endif

#if SPINDLE_CONTEXT_ABI_X86_64_SYSV || SPINDLE_CONTEXT_ABI_X86_64_WIN64
// The caller's floating-point control state, which a fresh context inherits (as a new thread
// does). Only MXCSR's control bits matter: the switch leaves the sticky exception flags alone.
void capture_fp_control(detail::switch_frame& frame) {
  frame.mxcsr = __builtin_ia32_stmxcsr() & SPINDLE_CONTEXT_MXCSR_CONTROL_MASK;
  std::uint16_t x87_control_word = 0;
  __asm__ volatile("fnstcw %0" : "=m"(x87_control_word));
  frame.x87_control_word = x87_control_word;
}
#endif

std::uint64_t as_register(const void* pointer) {
  return reinterpret_cast<std::uintptr_t>(pointer);
}
std::uint64_t as_register(entry_function function) {
  return reinterpret_cast<std::uintptr_t>(function);
}

}  // namespace

void machine_context::prepare(stack_view stack, entry_function entry, void* arg) noexcept {
  SPINDLE_VERIFY(stack.lowest != nullptr && stack.size >= minimum_stack_size(),
                 "machine_context::prepare: stack missing or smaller than minimum_stack_size()");
  SPINDLE_VERIFY(entry != nullptr, "machine_context::prepare: no entry function");

  const auto top = reinterpret_cast<std::uintptr_t>(stack.top()) & ~(stack_alignment - 1);
  const auto entry_area_at = top - SPINDLE_CONTEXT_ENTRY_AREA;
  const auto frame_at = entry_area_at - SPINDLE_CONTEXT_FRAME_SIZE;
  auto* frame = reinterpret_cast<detail::switch_frame*>(frame_at);
  std::memset(frame, 0, SPINDLE_CONTEXT_FRAME_SIZE + SPINDLE_CONTEXT_ENTRY_AREA);

  // What the trampoline of each ABI expects (context/src/<abi>.S): the entry function and its
  // argument in two callee-saved registers, a zero frame pointer so frame-pointer walks end
  // here, and the trampoline as the resume address.
  frame->resume = reinterpret_cast<const void*>(&detail::spindle_context_trampoline);
#if SPINDLE_CONTEXT_ABI_X86_64_SYSV
  frame->r12 = as_register(entry);
  frame->r13 = as_register(arg);
  capture_fp_control(*frame);
#elif SPINDLE_CONTEXT_ABI_X86_64_WIN64
  frame->r12 = as_register(entry);
  frame->r13 = as_register(arg);
  capture_fp_control(*frame);
  // The TEB's view of the stack while this context runs. The whole view is committed memory,
  // so the limit is its lowest byte: stack probes (__chkstk) find nothing to commit, and SEH
  // accepts every frame on it. The base is the aligned top, where an SEH walk arrives after
  // unwinding the trampoline (to the null return address in the zeroed entry area).
  frame->stack_base = reinterpret_cast<const void*>(top);
  frame->stack_limit = stack.lowest;
  frame->deallocation_stack = stack.lowest;
  frame->exception_list = reinterpret_cast<const void*>(end_of_exception_list);
#elif SPINDLE_CONTEXT_ABI_AARCH64
  frame->x19 = as_register(entry);
  frame->x20 = as_register(arg);
  std::uint64_t fpcr = 0;
  __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
  frame->fpcr = fpcr;
#endif
  suspended_sp_ = frame;
}

namespace detail {

// Called by the trampoline if an entry function returns: there is no caller to return to.
extern "C" [[noreturn]] void spindle_context_entry_returned() noexcept {
  std::fputs("spindle: a context's entry function returned; it must end with exit_to() or "
             "switch away for good\n",
             stderr);
  std::fflush(stderr);
  std::abort();
}

}  // namespace detail

}  // namespace spindle::context
