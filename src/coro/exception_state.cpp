// exception_state over the Itanium C++ ABI's __cxa_get_globals().
#include <spindle/coro/detail/exception_state.hpp>

#include <cstddef>
#include <cstring>

#include <cxxabi.h>

// The ARM EHABI (32-bit ARM only) adds a third field, propagatingExceptions, that would have to
// move too; aarch64 and x86-64 (ELF and mingw-w64) use the two-field layout below.
#if defined(__ARM_EABI_UNWINDER__)
#error "spindle/coro: exception_state does not handle the ARM EHABI __cxa_eh_globals layout"
#endif

namespace spindle::coro::detail {

namespace {

// The layout of __cxa_eh_globals, which <cxxabi.h> declares but does not define:
//   { __cxa_exception* caughtExceptions; unsigned int uncaughtExceptions; }
struct cxa_eh_globals_layout {
  void* caught_exceptions;
  unsigned int uncaught_exceptions;
};
constexpr std::size_t caught_offset = offsetof(cxa_eh_globals_layout, caught_exceptions);
constexpr std::size_t uncaught_offset = offsetof(cxa_eh_globals_layout, uncaught_exceptions);

}  // namespace

exception_state exception_state::exchange(const exception_state& next) noexcept {
  // Field by field through memcpy: the runtime's struct is another type (no aliasing games),
  // and only its two fields are ours to touch.
  auto* globals = reinterpret_cast<unsigned char*>(abi::__cxa_get_globals());
  exception_state previous;
  std::memcpy(&previous.caught_exceptions, globals + caught_offset, sizeof(void*));
  std::memcpy(&previous.uncaught_exceptions, globals + uncaught_offset, sizeof(unsigned int));
  std::memcpy(globals + caught_offset, &next.caught_exceptions, sizeof(void*));
  std::memcpy(globals + uncaught_offset, &next.uncaught_exceptions, sizeof(unsigned int));
  return previous;
}

}  // namespace spindle::coro::detail
