// Stackful coroutines as generators. A stackful coroutine can suspend from any depth of
// ordinary function calls, so a recursive tree walk becomes a lazy sequence without rewriting
// it as an explicit-stack iterator. Stacks come from a pool: after the first coroutine, making
// another maps nothing and allocates nothing.
#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>

#include <spindle/context/stack_pool.hpp>
#include <spindle/coro/coroutine.hpp>

namespace coro = spindle::coro;
namespace context = spindle::context;

// A minimal generator: the body calls yield(value), the consumer calls next().
template <class T>
class generator {
 public:
  template <class Body>
  generator(context::stack_pool& pool, Body body)
      : coroutine_(pool, [this, body = std::move(body)]() mutable { body(*this); }) {}

  // The body refers to *this: the generator stays where it was made.
  generator(const generator&) = delete;
  generator& operator=(const generator&) = delete;

  // Called inside the body: hands `value` to next() and suspends until the next call.
  void yield(T value) {
    current_ = std::move(value);
    coro::suspend();
  }

  // The next value, or nothing once the body has returned. Rethrows what the body threw.
  std::optional<T> next() {
    current_.reset();
    if (!coroutine_.is_done()) coroutine_.resume();
    return std::exchange(current_, std::nullopt);
  }

 private:
  std::optional<T> current_;
  coro::coroutine coroutine_;  // last: it refers to current_ while it lives
};

struct node {
  int value;
  std::unique_ptr<node> left, right;
};

std::unique_ptr<node> insert(std::unique_ptr<node> root, int value) {
  if (!root) return std::make_unique<node>(node{value, nullptr, nullptr});
  auto& side = value < root->value ? root->left : root->right;
  side = insert(std::move(side), value);
  return root;
}

// An ordinary recursive in-order walk; yield() suspends the whole walk, however deep it is.
void walk(const node* n, generator<int>& out) {
  if (n == nullptr) return;
  walk(n->left.get(), out);
  out.yield(n->value);
  walk(n->right.get(), out);
}

// Three generators sharing one stack pool; their stacks go back to it when they end.
void show_generators(context::stack_pool& pool) {
  generator<long> fibonacci(pool, [](generator<long>& out) {
    long a = 0, b = 1;
    for (;;) {
      out.yield(a);
      b = std::exchange(a, b) + b;
    }
  });
  std::printf("fibonacci:");
  for (int i = 0; i < 12; ++i) std::printf(" %ld", *fibonacci.next());
  std::printf("  (an endless body: unwound when the generator is destroyed)\n");

  std::unique_ptr<node> tree;
  for (int value : {50, 30, 70, 20, 40, 60, 80, 35, 65}) tree = insert(std::move(tree), value);
  generator<int> in_order(pool, [&](generator<int>& out) { walk(tree.get(), out); });
  std::printf("tree, in order, one value per resume:");
  while (std::optional<int> value = in_order.next()) std::printf(" %d", *value);
  std::printf("\n");

  generator<int> failing(pool, [](generator<int>& out) {
    out.yield(1);
    throw std::runtime_error("the source ran dry");
  });
  std::printf("failing generator: %d, then ", *failing.next());
  try {
    failing.next();
  } catch (const std::exception& e) {
    std::printf("caught \"%s\" from next()\n", e.what());
  }
}

int main() {
  context::stack_pool pool;  // one per thread: 64 KiB stacks, reused
  show_generators(pool);
  std::printf("idle stacks kept by the pool afterwards: %zu\n", pool.num_cached());
  return 0;
}
