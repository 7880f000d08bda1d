// exception_state over the Itanium C++ ABI's __cxa_get_globals().
#include <spindle/context/exception_state.hpp>

#include <cxxabi.h>

// The ARM EHABI (32-bit ARM only) adds a third field, propagatingExceptions, that would have to
// move too; aarch64 and x86-64 (ELF and mingw-w64) use the two-field layout.
#if defined(__ARM_EABI_UNWINDER__)
#error "spindle/context: exception_state does not handle the ARM EHABI __cxa_eh_globals layout"
#endif

namespace spindle::context {

void* exception_state::this_thread_slot() noexcept { return abi::__cxa_get_globals(); }

}  // namespace spindle::context
