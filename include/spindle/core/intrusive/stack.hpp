// An intrusive LIFO stack: a thin adaptor over forward_list (which holds the mechanism and
// the link invariants) exposing only the LIFO operations.
//
//   struct frame : core::intrusive::forward_hook<> { int depth; };
//   core::intrusive::stack<frame> frames;
//   frames.push(a);
//   frames.push(b);
//   while (frame* f = frames.pop()) unwind(*f);    // b, then a
//
// push, pop, top, splice, size and empty are O(1). Nothing allocates; the stack does not own
// its nodes. Single-threaded: for many pushing threads use mpsc_stack.
#pragma once

#include <cstddef>

#include <spindle/core/intrusive/forward_list.hpp>

namespace spindle::core::intrusive {

template <class T, class Tag = default_tag>
class stack {
 public:
  using list_type = forward_list<T, Tag>;

  stack() noexcept = default;
  stack(const stack&) = delete;
  stack& operator=(const stack&) = delete;
  stack(stack&&) noexcept = default;
  stack& operator=(stack&&) noexcept = default;
  ~stack() = default;

  bool empty() const noexcept { return list_.empty(); }
  std::size_t size() const noexcept { return list_.size(); }

  // The most recently pushed node; the stack must not be empty.
  T& top() noexcept { return list_.front(); }
  const T& top() const noexcept { return list_.front(); }

  // Pushes `node`, which must not be in a container with this tag.
  void push(T& node) noexcept { list_.push_front(node); }

  // Pops the most recently pushed node, or returns nullptr if the stack is empty.
  T* pop() noexcept { return list_.pop_front(); }

  // Puts other's nodes on top of this stack's, keeping their order (other's top becomes the
  // top), as if other had been pushed onto this stack bottom-first; other is left empty.
  void splice(stack& other) noexcept { list_.splice_front(other.list_); }
  void splice(stack&& other) noexcept { list_.splice_front(other.list_); }
  // Puts a list's nodes on top, its front becoming the top (e.g. mpsc_stack::pop_all()).
  void splice(list_type& list) noexcept { list_.splice_front(list); }
  void splice(list_type&& list) noexcept { list_.splice_front(list); }

  // Unlinks every node (see forward_list::clear).
  void clear() noexcept { list_.clear(); }

 private:
  list_type list_;  // the list's front is the top of the stack
};

}  // namespace spindle::core::intrusive
