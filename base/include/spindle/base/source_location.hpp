// The source location facade operations take as a defaulted last argument (the simulator
// records it in traces; faulty mode in fault events; std mode ignores it).
//
// It is std::source_location where the standard library has it. libstdc++ 12 only defines
// std::source_location for compilers with __builtin_source_location (gcc 11+, clang 15+), so
// clang 14 — the faulty-tsan preset's compiler — gets a stand-in built from the older
// __builtin_FILE/LINE/FUNCTION/COLUMN builtins. Used as a defaulted argument, both evaluate at
// the caller's call site, and callers never name the type, so the facade's API is the same.
#pragma once

#include <version>

#if defined(__cpp_lib_source_location)
#include <source_location>
#else
#include <cstdint>
#endif

namespace spindle::base {

#if defined(__cpp_lib_source_location)

using source_location = std::source_location;

#else

class source_location {
 public:
  // The location of the expression that evaluates this call (when used as a default argument:
  // the location of the call that uses the default).
  static constexpr source_location current(const char* file = __builtin_FILE(),
                                           const char* function = __builtin_FUNCTION(),
                                           std::uint_least32_t line = __builtin_LINE(),
                                           std::uint_least32_t column = __builtin_COLUMN()) noexcept {
    source_location location;
    location.file_ = file;
    location.function_ = function;
    location.line_ = line;
    location.column_ = column;
    return location;
  }

  constexpr source_location() noexcept = default;

  constexpr const char* file_name() const noexcept { return file_; }
  constexpr const char* function_name() const noexcept { return function_; }
  constexpr std::uint_least32_t line() const noexcept { return line_; }
  constexpr std::uint_least32_t column() const noexcept { return column_; }

 private:
  const char* file_ = "";
  const char* function_ = "";
  std::uint_least32_t line_ = 0;
  std::uint_least32_t column_ = 0;
};

#endif

}  // namespace spindle::base
