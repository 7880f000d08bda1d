// Windows x64 only: the TEB's stack fields (and exception list) follow the running context, so
// stack probing (__chkstk) and SEH exception dispatch work on a context's own stack. Runs under
// wine.
#include <spindle/context/execution_context.hpp>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>
#include <windows.h>

#include "test_stack.hpp"

namespace spindle::context {
namespace {

using test::test_stack;

// TEB offsets (x64): NT_TIB's ExceptionList, StackBase and StackLimit, and DeallocationStack
// (not in mingw's public TEB struct).
constexpr std::uintptr_t teb_exception_list = 0x00;
constexpr std::uintptr_t teb_stack_base = 0x08;
constexpr std::uintptr_t teb_stack_limit = 0x10;
constexpr std::uintptr_t teb_deallocation_stack = 0x1478;
static_assert(offsetof(NT_TIB, ExceptionList) == teb_exception_list);
static_assert(offsetof(NT_TIB, StackBase) == teb_stack_base);
static_assert(offsetof(NT_TIB, StackLimit) == teb_stack_limit);

// A %gs-relative load (mingw's __readgsqword trips gcc 12's -Warray-bounds).
const void* read_teb(std::uintptr_t offset) {
  const void* value = nullptr;
  __asm__ volatile("movq %%gs:(%1), %0" : "=r"(value) : "r"(offset));
  return value;
}

struct teb_stack {
  const void* base;
  const void* limit;
  const void* deallocation;
  const void* exception_list;
};

teb_stack current_teb_stack() {
  return {read_teb(teb_stack_base), read_teb(teb_stack_limit), read_teb(teb_deallocation_stack),
          read_teb(teb_exception_list)};
}

// An empty EXCEPTION_REGISTRATION_RECORD chain: what a fresh context starts with, so wine's
// internal handlers registered on the thread's stack are not consulted from a context's stack.
const void* const empty_exception_list = reinterpret_cast<const void*>(~std::uintptr_t{0});

const void* aligned_top(stack_view view) {
  return reinterpret_cast<const void*>(reinterpret_cast<std::uintptr_t>(view.top()) & ~std::uintptr_t{15});
}

TEST(Win64, TheThreadsOwnTebDescribesItsStack) {
  // Checks the offsets the assembly uses against the thread's real stack.
  const teb_stack teb = current_teb_stack();
  const int local = 0;
  EXPECT_LE(teb.deallocation, teb.limit);
  EXPECT_LT(teb.limit, static_cast<const void*>(&local));
  EXPECT_LT(static_cast<const void*>(&local), teb.base);
}

struct teb_game {
  execution_context main;
  execution_context first;
  execution_context second;
  stack_view first_stack;
  stack_view second_stack;
  teb_stack seen_in_first[2];
  teb_stack seen_in_second;
};

TEST(Win64, TheTebFollowsTheRunningContext) {
  test_stack first_stack(64 * 1024);
  test_stack second_stack(96 * 1024);
  teb_game game;
  game.first_stack = first_stack.view();
  game.second_stack = second_stack.view();
  game.first.setup(game.first_stack, [](void* arg) {
    auto& g = *static_cast<teb_game*>(arg);
    g.seen_in_first[0] = current_teb_stack();
    g.first.switch_to(g.second);
    g.seen_in_first[1] = current_teb_stack();  // after second switched back to us
    g.first.exit_to(g.main);
  }, &game);
  game.second.setup(game.second_stack, [](void* arg) {
    auto& g = *static_cast<teb_game*>(arg);
    g.seen_in_second = current_teb_stack();
    g.second.switch_to(g.main);
    g.second.switch_to(g.first);
    std::abort();  // never resumed
  }, &game);

  const teb_stack before = current_teb_stack();
  game.main.switch_to(game.first);  // first -> second -> main
  const teb_stack between = current_teb_stack();
  game.main.switch_to(game.second);  // second -> first -> exit to main
  const teb_stack after = current_teb_stack();

  for (const teb_stack& seen : game.seen_in_first) {
    EXPECT_EQ(seen.base, aligned_top(game.first_stack));
    EXPECT_EQ(seen.limit, game.first_stack.lowest);
    EXPECT_EQ(seen.deallocation, game.first_stack.lowest);
    EXPECT_EQ(seen.exception_list, empty_exception_list);
  }
  EXPECT_EQ(game.seen_in_second.base, aligned_top(game.second_stack));
  EXPECT_EQ(game.seen_in_second.limit, game.second_stack.lowest);
  EXPECT_EQ(game.seen_in_second.exception_list, empty_exception_list);
  for (const teb_stack& back : {between, after}) {
    EXPECT_EQ(back.base, before.base);
    EXPECT_EQ(back.limit, before.limit);
    EXPECT_EQ(back.deallocation, before.deallocation);
    EXPECT_EQ(back.exception_list, before.exception_list);
  }
}

// A frame larger than a page: the compiler probes it page by page (___chkstk_ms) before use.
constexpr std::size_t large_frame_bytes = 5 * 4096;

[[gnu::noinline]] std::uint64_t use_large_frame(std::uint64_t seed) {
  volatile unsigned char buffer[large_frame_bytes];
  for (std::size_t i = 0; i < large_frame_bytes; i += 512) buffer[i] = static_cast<unsigned char>(seed + i);
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < large_frame_bytes; i += 512) sum += buffer[i];
  return sum;
}

// An exception that crosses the large frame and other frames before it is caught, all on the
// context's stack: SEH dispatch must accept every frame on the way.
[[gnu::noinline]] void throw_through_large_frame(int depth) {
  volatile unsigned char buffer[large_frame_bytes];
  buffer[0] = static_cast<unsigned char>(depth);
  if (depth == 0) throw std::runtime_error("from the bottom " + std::to_string(buffer[0]));
  throw_through_large_frame(depth - 1);
  buffer[1] = 0;
}

struct probe_game {
  execution_context main;
  execution_context self;
  std::uint64_t sum = 0;
  std::string caught;
};

TEST(Win64, StackProbesAndSehExceptionsWorkOnAContextStack) {
  test_stack stack(128 * 1024);
  probe_game game;
  game.self.setup(stack.view(), [](void* arg) {
    auto& g = *static_cast<probe_game*>(arg);
    g.sum = use_large_frame(3);
    try {
      throw_through_large_frame(3);
    } catch (const std::runtime_error& e) {
      g.caught = e.what();
    }
    g.self.exit_to(g.main);
  }, &game);
  game.main.switch_to(game.self);
  EXPECT_EQ(game.sum, use_large_frame(3));
  EXPECT_EQ(game.caught, "from the bottom 0");
}

}  // namespace
}  // namespace spindle::context
