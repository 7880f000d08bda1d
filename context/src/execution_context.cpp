// execution_context under a sanitizer: the machine switch bracketed by the ASAN and TSAN fiber
// annotations. Without a sanitizer everything is inline in the header and this file is empty.
//
// The ASAN protocol, per switch from context A to context B:
//   1. A: __sanitizer_start_switch_fiber(&A.fake_stack_, B's stack bounds). ASAN parks A's
//      fake stack in A.fake_stack_ and from here on believes it runs on B's stack. A also
//      tells B who is coming (B.switched_from_ = A).
//   2. the machine switch.
//   3. B: __sanitizer_finish_switch_fiber(B.fake_stack_, &bottom, &size) restores B's fake stack
//      (null at B's first entry: ASAN makes a new one lazily) and reports the bounds of the stack
//      A ran on; B stores them into A, which is how a thread's own context, never setup(),
//      learns its bounds before anyone switches back to it.
//   exit_to() passes a null fake-stack slot in step 1: ASAN destroys A's fake stack, and B
//   records nothing (A will never be switched to).
// Nothing instrumented may run between steps 1 and 3: the switch itself is assembly.
//
// The TSAN protocol: setup() creates a fiber (__tsan_create_fiber); a thread's own context adopts
// __tsan_get_current_fiber() when it first switches away; every switch calls
// __tsan_switch_to_fiber(target, 0) just before the machine switch (flag 0: synchronize, so
// what A did happens-before what B does next); ~execution_context destroys a fiber it created,
// which must not be the running one.
#include <spindle/context/execution_context.hpp>

#if SPINDLE_CONTEXT_ANNOTATED

#if SPINDLE_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif
#if SPINDLE_TSAN
#include <sanitizer/tsan_interface.h>
#endif

namespace spindle::context {

execution_context::~execution_context() {
#if SPINDLE_TSAN
  release_tsan_fiber();
#endif
}

void execution_context::setup(stack_view stack, entry_function entry, void* arg) noexcept {
#if SPINDLE_ASAN
  stack_bottom_ = stack.lowest;
  stack_size_ = stack.size;
  fake_stack_ = nullptr;
  switched_from_ = nullptr;
  // Frames that ran on this memory before and never returned (a context that exited, or was
  // abandoned) left their redzones poisoned; a fresh context starts with a clean stack.
  ASAN_UNPOISON_MEMORY_REGION(stack.lowest, stack.size);
#endif
#if SPINDLE_TSAN
  release_tsan_fiber();
  tsan_fiber_ = __tsan_create_fiber(0);
  owns_tsan_fiber_ = true;
#endif
  entry_ = entry;
  arg_ = arg;
  machine_.prepare(stack, &annotated_entry, this);
}

void execution_context::switch_to(execution_context& target) noexcept {
  SPINDLE_ASSERT(&target != this, "execution_context::switch_to: a context cannot switch to itself");
  SPINDLE_ASSERT(target.machine_.has_frame(),
                 "execution_context::switch_to: the target was never set up nor suspended");
#if SPINDLE_TSAN
  if (tsan_fiber_ == nullptr) {
    tsan_fiber_ = __tsan_get_current_fiber();  // a thread's own context, leaving for the first time
  }
  SPINDLE_ASSERT(target.tsan_fiber_ != nullptr, "execution_context::switch_to: target has no TSAN fiber");
  __tsan_switch_to_fiber(target.tsan_fiber_, 0);
#endif
#if SPINDLE_ASAN
  SPINDLE_ASSERT(target.stack_size_ != 0, "execution_context::switch_to: target's stack is unknown");
  target.switched_from_ = this;
  __sanitizer_start_switch_fiber(&fake_stack_, target.stack_bottom_, target.stack_size_);
#endif
  machine_.switch_to(target.machine_);
#if SPINDLE_ASAN
  arrived(fake_stack_);
#endif
}

void execution_context::exit_to(execution_context& target) noexcept {
  SPINDLE_ASSERT(&target != this, "execution_context::exit_to: a context cannot exit to itself");
  SPINDLE_ASSERT(target.machine_.has_frame(),
                 "execution_context::exit_to: the target was never set up nor suspended");
#if SPINDLE_TSAN
  __tsan_switch_to_fiber(target.tsan_fiber_, 0);
#endif
#if SPINDLE_ASAN
  target.switched_from_ = nullptr;
  __sanitizer_start_switch_fiber(nullptr, target.stack_bottom_, target.stack_size_);
#endif
  machine_.exit_to(target.machine_);
}

void execution_context::annotated_entry(void* self) noexcept {
  auto& context = *static_cast<execution_context*>(self);
#if SPINDLE_ASAN
  context.arrived(nullptr);  // first entry: no fake stack to restore yet
#endif
  context.entry_(context.arg_);
  // Returning here returns into the trampoline, which reports the misuse and aborts.
}

#if SPINDLE_ASAN
void execution_context::arrived(void* fake_stack) noexcept {
  const void* from_bottom = nullptr;
  std::size_t from_size = 0;
  __sanitizer_finish_switch_fiber(fake_stack, &from_bottom, &from_size);
  if (switched_from_ != nullptr) {
    switched_from_->stack_bottom_ = from_bottom;
    switched_from_->stack_size_ = from_size;
    switched_from_ = nullptr;
  }
}
#endif

#if SPINDLE_TSAN
void execution_context::release_tsan_fiber() noexcept {
  if (owns_tsan_fiber_) {
    SPINDLE_ASSERT(__tsan_get_current_fiber() != tsan_fiber_,
                   "execution_context: destroying (or re-setting up) the running context");
    __tsan_destroy_fiber(tsan_fiber_);
  }
  tsan_fiber_ = nullptr;
  owns_tsan_fiber_ = false;
}
#endif

}  // namespace spindle::context

#endif  // SPINDLE_CONTEXT_ANNOTATED
