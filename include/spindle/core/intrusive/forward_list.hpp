// An intrusive singly-linked list with a tail pointer: the one mechanism behind spindle's
// intrusive queue, stack and the lists mpsc_stack::pop_all() hands out.
//
//   struct job : core::intrusive::forward_hook<> { int id; };
//   job a{.id = 1}, b{.id = 2};
//   core::intrusive::forward_list<job> list;
//   list.push_back(a);
//   list.push_front(b);                      // b, a
//   for (job& j : list) run(j);
//   while (job* j = list.pop_front()) done(*j);
//
// push_front, push_back, pop_front, splice_front, splice_back, size and empty are O(1);
// reverse and clear are O(n). Nothing allocates. The list does not own its nodes: they must
// outlive their membership (in builds with asserts on, destroying a linked node aborts).
//
// Representation: head_ -> ... -> tail_ -> nullptr, chained through the nodes' hooks (FH.INV1 of
// forward_hook.hpp); an empty list has head_ == tail_ == nullptr and size_ == 0 (FL.LIST1).
// Like every container it is single-threaded: guard it, or use mpsc_stack across threads.
#pragma once

#include <concepts>
#include <cstddef>
#include <iterator>
#include <type_traits>

#include <spindle/base/config.hpp>
#include <spindle/core/intrusive/forward_hook.hpp>

namespace spindle::core::intrusive {

template <class T, class Tag>
class mpsc_stack;

template <class T, class Tag = default_tag>
class forward_list {
  static_assert(std::derived_from<T, forward_hook<Tag>>,
                "T must derive publicly (and unambiguously) from forward_hook<Tag>");

  template <class Value>
  class basic_iterator;  // defined below, in the private section

 public:
  using value_type = T;
  using size_type = std::size_t;
  using iterator = basic_iterator<T>;
  using const_iterator = basic_iterator<const T>;

  forward_list() noexcept = default;

  forward_list(const forward_list&) = delete;
  forward_list& operator=(const forward_list&) = delete;

  // Takes other's nodes; other is left empty.
  forward_list(forward_list&& other) noexcept { steal(other); }

  // Drops this list's nodes (as clear()) and takes other's; other is left empty.
  forward_list& operator=(forward_list&& other) noexcept {
    if (this != &other) {
      clear();
      steal(other);
    }
    return *this;
  }

  // Leaves the remaining nodes unlinked (so they can be inserted elsewhere); never frees them.
  ~forward_list() { clear(); }

  bool empty() const noexcept { return head_ == nullptr; }
  size_type size() const noexcept { return size_; }

  // The first / last node; the list must not be empty.
  T& front() noexcept {
    SPINDLE_ASSERT(!empty(), "front() of an empty intrusive list");
    return value_of(head_);
  }
  const T& front() const noexcept {
    SPINDLE_ASSERT(!empty(), "front() of an empty intrusive list");
    return value_of(head_);
  }
  T& back() noexcept {
    SPINDLE_ASSERT(!empty(), "back() of an empty intrusive list");
    return value_of(tail_);
  }
  const T& back() const noexcept {
    SPINDLE_ASSERT(!empty(), "back() of an empty intrusive list");
    return value_of(tail_);
  }

  // Links `node` (which must not be in a container with this tag) in first position.
  void push_front(T& node) noexcept {
    link* l = link_of(node);
    access::assert_unlinked(l);
    access::set_next(l, head_);
    head_ = l;
    if (tail_ == nullptr) tail_ = l;
    ++size_;
  }

  // Links `node` (which must not be in a container with this tag) in last position.
  void push_back(T& node) noexcept {
    link* l = link_of(node);
    access::assert_unlinked(l);
    access::set_next(l, nullptr);
    if (tail_ == nullptr) {
      head_ = l;
    } else {
      access::set_next(tail_, l);
    }
    tail_ = l;
    ++size_;
  }

  // Unlinks and returns the first node, or nullptr if the list is empty.
  T* pop_front() noexcept {
    if (head_ == nullptr) return nullptr;
    link* l = head_;
    head_ = access::next(l);
    if (head_ == nullptr) tail_ = nullptr;
    --size_;
    access::mark_unlinked(l);
    return &value_of(l);
  }

  // Moves all of other's nodes, in order, after this list's last node; other is left empty.
  void splice_back(forward_list& other) noexcept {
    SPINDLE_ASSERT(&other != this, "splice of an intrusive list into itself");
    if (other.empty()) return;
    if (empty()) {
      steal(other);
      return;
    }
    access::set_next(tail_, other.head_);
    tail_ = other.tail_;
    size_ += other.size_;
    other.reset();
  }
  void splice_back(forward_list&& other) noexcept { splice_back(other); }

  // Moves all of other's nodes, in order, before this list's first node; other is left empty.
  void splice_front(forward_list& other) noexcept {
    SPINDLE_ASSERT(&other != this, "splice of an intrusive list into itself");
    if (other.empty()) return;
    if (empty()) {
      steal(other);
      return;
    }
    access::set_next(other.tail_, head_);
    head_ = other.head_;
    size_ += other.size_;
    other.reset();
  }
  void splice_front(forward_list&& other) noexcept { splice_front(other); }

  // Reverses the order of the nodes in O(n).
  void reverse() noexcept {
    link* reversed = nullptr;
    link* rest = head_;
    tail_ = head_;
    while (rest != nullptr) {
      link* next = access::next(rest);
      access::set_next(rest, reversed);
      reversed = rest;
      rest = next;
    }
    head_ = reversed;
  }

  // Unlinks every node: O(n), restoring each node's unlinked mark (FH.INV2).
  void clear() noexcept {
    access::mark_chain_unlinked(head_);
    reset();
  }

  iterator begin() noexcept { return iterator(head_); }
  iterator end() noexcept { return iterator(nullptr); }
  const_iterator begin() const noexcept { return const_iterator(head_); }
  const_iterator end() const noexcept { return const_iterator(nullptr); }
  const_iterator cbegin() const noexcept { return begin(); }
  const_iterator cend() const noexcept { return end(); }

 private:
  using link = detail::forward_link;
  using access = detail::link_access;

  template <class, class>
  friend class mpsc_stack;

  // A forward iterator over the nodes. Unlinking the node an iterator points at (pop_front,
  // clear, splice of this list elsewhere...) invalidates the iterator.
  template <class Value>
  class basic_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = Value*;
    using reference = Value&;

    basic_iterator() noexcept = default;
    // iterator -> const_iterator.
    template <class Other>
      requires(std::is_const_v<Value> && !std::is_const_v<Other>)
    basic_iterator(const basic_iterator<Other>& other) noexcept : current_(other.current_) {}

    reference operator*() const noexcept { return value_of(current_); }
    pointer operator->() const noexcept { return &value_of(current_); }
    basic_iterator& operator++() noexcept {
      current_ = access::next(current_);
      return *this;
    }
    basic_iterator operator++(int) noexcept {
      basic_iterator before = *this;
      ++*this;
      return before;
    }
    friend bool operator==(const basic_iterator&, const basic_iterator&) noexcept = default;

   private:
    friend class forward_list;
    template <class>
    friend class basic_iterator;

    explicit basic_iterator(link* current) noexcept : current_(current) {}

    link* current_ = nullptr;
  };

  // Adopts a nullptr-terminated chain of linked nodes (mpsc_stack::pop_all): O(n), finds the
  // tail and counts.
  static forward_list adopt_chain(link* head) noexcept {
    forward_list list;
    list.head_ = head;
    for (link* l = head; l != nullptr; l = access::next(l)) {
      list.tail_ = l;
      ++list.size_;
    }
    return list;
  }

  static link* link_of(T& value) noexcept { return static_cast<forward_hook<Tag>*>(&value); }
  static T& value_of(link* l) noexcept {
    return *static_cast<T*>(static_cast<forward_hook<Tag>*>(l));
  }

  void steal(forward_list& other) noexcept {
    head_ = other.head_;
    tail_ = other.tail_;
    size_ = other.size_;
    other.reset();
  }

  void reset() noexcept {
    head_ = nullptr;
    tail_ = nullptr;
    size_ = 0;
  }

  // FL.LIST1: all three describe the same chain; nullptr/nullptr/0 when empty.
  link* head_ = nullptr;
  link* tail_ = nullptr;
  size_type size_ = 0;
};

}  // namespace spindle::core::intrusive
