// Stacks for the context tests: plain aligned heap memory, owned by the test. The context leaf is
// tested on its own, without context::stack (mmap + guard page), which is tested separately.
#pragma once

#include <cstddef>
#include <new>

#include <spindle/context/stack_view.hpp>

namespace spindle::context::test {

// Roomy enough for gtest assertions and sanitizer-instrumented frames.
inline constexpr std::size_t default_test_stack_size = 256 * 1024;

class test_stack {
 public:
  explicit test_stack(std::size_t size = default_test_stack_size)
      : memory_(static_cast<std::byte*>(::operator new(size, alignment))), size_(size) {}
  ~test_stack() { ::operator delete(memory_, alignment); }

  test_stack(const test_stack&) = delete;
  test_stack& operator=(const test_stack&) = delete;

  stack_view view() const noexcept { return {memory_, size_}; }

 private:
  static constexpr std::align_val_t alignment{64};
  std::byte* memory_;
  std::size_t size_;
};

}  // namespace spindle::context::test
