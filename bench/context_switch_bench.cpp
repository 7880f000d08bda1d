// Context switch cost: one benchmark iteration is a round trip (two switches) between the
// benchmark's own context and a context that does nothing but switch back. spindle's machine
// and execution contexts against Boost.Context's fiber and continuation (callcc), all of them
// on 64 KiB stacks, in the same binary and run. bench_main.cpp prints ns/switch and the ratio.
#include <utility>

#include <benchmark/benchmark.h>
#include <boost/context/continuation.hpp>
#include <boost/context/fiber.hpp>
#include <boost/context/fixedsize_stack.hpp>

#include <spindle/context/execution_context.hpp>
#include <spindle/context/machine_context.hpp>
#include <spindle/context/stack.hpp>

namespace {

namespace context = spindle::context;
namespace boost_context = boost::context;

constexpr std::size_t stack_size = context::stack::default_size;

// A context that switches back to its caller forever: the far end of the round trip.
template <class Context>
struct ping_pong {
  Context caller;
  Context callee;

  static void bounce(void* arg) {
    auto* self = static_cast<ping_pong*>(arg);
    for (;;) self->callee.switch_to(self->caller);
  }
};

void bm_switch_spindle_machine_context(benchmark::State& state) {
  context::stack stack(stack_size);
  ping_pong<context::machine_context> pair;
  pair.callee.prepare(stack.view(), &ping_pong<context::machine_context>::bounce, &pair);
  for (auto _ : state) pair.caller.switch_to(pair.callee);
  // The callee is left suspended in bounce(): it owns nothing, so abandoning it is fine.
}
BENCHMARK(bm_switch_spindle_machine_context);

void bm_switch_spindle_execution_context(benchmark::State& state) {
  context::stack stack(stack_size);
  ping_pong<context::execution_context> pair;
  pair.callee.setup(stack.view(), &ping_pong<context::execution_context>::bounce, &pair);
  for (auto _ : state) pair.caller.switch_to(pair.callee);
}
BENCHMARK(bm_switch_spindle_execution_context);

void bm_switch_boost_fiber(benchmark::State& state) {
  boost_context::fiber callee(std::allocator_arg, boost_context::fixedsize_stack(stack_size),
                              [](boost_context::fiber&& caller) {
                                for (;;) caller = std::move(caller).resume();
                                return std::move(caller);
                              });
  for (auto _ : state) callee = std::move(callee).resume();
}
BENCHMARK(bm_switch_boost_fiber);

void bm_switch_boost_continuation(benchmark::State& state) {
  // callcc() runs the body up to its first resume() before returning.
  boost_context::continuation callee =
      boost_context::callcc(std::allocator_arg, boost_context::fixedsize_stack(stack_size),
                            [](boost_context::continuation&& caller) {
                              for (;;) caller = caller.resume();
                              return std::move(caller);
                            });
  for (auto _ : state) callee = callee.resume();
}
BENCHMARK(bm_switch_boost_continuation);

}  // namespace
