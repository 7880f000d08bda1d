// An intrusive FIFO queue: a thin adaptor over forward_list (which holds the mechanism and
// the link invariants) exposing only the FIFO operations.
//
//   struct job : core::intrusive::forward_hook<> { int id; };
//   core::intrusive::queue<job> ready;
//   ready.push_back(a);
//   ready.push_back(b);
//   while (job* j = ready.pop_front()) run(*j);    // a, then b
//
// push_back, pop_front, front, splice, size and empty are O(1). Nothing allocates; the queue
// does not own its nodes. Single-threaded: guard it, or use mpsc_stack across threads.
#pragma once

#include <cstddef>

#include <spindle/core/intrusive/forward_list.hpp>

namespace spindle::core::intrusive {

template <class T, class Tag = default_tag>
class queue {
 public:
  using list_type = forward_list<T, Tag>;

  queue() noexcept = default;
  queue(const queue&) = delete;
  queue& operator=(const queue&) = delete;
  queue(queue&&) noexcept = default;
  queue& operator=(queue&&) noexcept = default;
  ~queue() = default;

  bool empty() const noexcept { return list_.empty(); }
  std::size_t size() const noexcept { return list_.size(); }

  // The oldest node; the queue must not be empty.
  T& front() noexcept { return list_.front(); }
  const T& front() const noexcept { return list_.front(); }

  // Enqueues `node`, which must not be in a container with this tag.
  void push_back(T& node) noexcept { list_.push_back(node); }

  // Dequeues the oldest node, or returns nullptr if the queue is empty.
  T* pop_front() noexcept { return list_.pop_front(); }

  // Enqueues all of other's nodes, oldest first, behind this queue's; other is left empty.
  void splice(queue& other) noexcept { list_.splice_back(other.list_); }
  void splice(queue&& other) noexcept { list_.splice_back(other.list_); }
  // Enqueues a list's nodes in list order (e.g. mpsc_stack::pop_all_fifo()); it is left empty.
  void splice(list_type& list) noexcept { list_.splice_back(list); }
  void splice(list_type&& list) noexcept { list_.splice_back(list); }

  // Unlinks every node (see forward_list::clear).
  void clear() noexcept { list_.clear(); }

 private:
  list_type list_;  // front() is the list's front: nodes leave in the order they came
};

}  // namespace spindle::core::intrusive
