// The blocked operations of one direction of a channel (its senders, or its receivers): a FIFO
// of case_node, intrusive and doubly linked so that a select can unlink the nodes of its
// losing cases from the middle in O(1). Nothing allocates: every node lives on the stack of
// the blocked operation (a send/recv frame, or a select case).
//
// Single-threaded like every intrusive container: every access to a queue and to the links of
// the nodes in it happens under the owning channel's lock (channel_base.hpp, CH.CHAN1).
//
// This queue plus parker::try_claim is the whole "waiter registration" layer of a channel:
// channel_base reaches blocked parties only through push_back / pop_claimed / unlink, and
// select reaches a channel only through case_source (case_source.hpp), never this queue. A
// lock-free channel can replace this file and the spinlock without touching the claim
// protocol (parker.hpp) or the select protocol (select.hpp), as long as its
// pop_claimed still claims before it hands a node out and its unlink still guarantees that
// nobody touches the node once it returns.
#pragma once

#include <cstdint>

#include <spindle/base/config.hpp>

namespace spindle::fiber::chan::detail {

class parker;
class wait_queue;

// One case of one blocked operation, linked into one channel's wait_queue.
class case_node {
 public:
  case_node() noexcept = default;
  ~case_node() { SPINDLE_ASSERT(queue_ == nullptr, "fiber::chan: a waiter left linked in a channel"); }

  case_node(const case_node&) = delete;
  case_node& operator=(const case_node&) = delete;

  // Set by the owner before it links the node; read by completers under the channel lock.
  parker* owner = nullptr;
  // A sender's node: the T to move from. A receiver's node: the std::optional<T> to emplace.
  void* slot = nullptr;
  // The case's index in its select (0 for a plain send / recv), claimed with parker::try_claim.
  std::uint32_t index = 0;
  // Written by the completer that claimed the node before it wakes the owner: the channel was
  // closed (a sender's value was not taken; a receiver's slot stays empty).
  bool closed = false;

  // Whether the node is in a queue. Under the lock of the channel that owns that queue.
  bool linked() const noexcept { return queue_ != nullptr; }

 private:
  friend class wait_queue;

  case_node* prev_ = nullptr;
  case_node* next_ = nullptr;
  wait_queue* queue_ = nullptr;  // the queue holding the node, null while unlinked
};

class wait_queue {
 public:
  wait_queue() noexcept = default;
  ~wait_queue() { SPINDLE_ASSERT(empty(), "fiber::chan: wait queue destroyed with nodes in it"); }

  wait_queue(const wait_queue&) = delete;
  wait_queue& operator=(const wait_queue&) = delete;

  bool empty() const noexcept { return head_ == nullptr; }

  // Whether `node` is linked in this queue.
  bool holds(const case_node& node) const noexcept { return node.queue_ == this; }

  // Links an unlinked node at the back.
  void push_back(case_node& node) noexcept {
    SPINDLE_ASSERT(!node.linked(), "fiber::chan: a waiter linked twice");
    node.queue_ = this;
    node.prev_ = tail_;
    node.next_ = nullptr;
    if (tail_ == nullptr) {
      head_ = &node;
    } else {
      tail_->next_ = &node;
    }
    tail_ = &node;
  }

  // Unlinks and returns the oldest node, or nullptr.
  case_node* pop_front() noexcept {
    case_node* node = head_;
    if (node != nullptr) unlink(*node);
    return node;
  }

  // Unlinks `node`, which must be in this queue.
  void unlink(case_node& node) noexcept {
    SPINDLE_ASSERT(node.queue_ == this, "fiber::chan: unlinking a waiter from the wrong queue");
    (node.prev_ == nullptr ? head_ : node.prev_->next_) = node.next_;
    (node.next_ == nullptr ? tail_ : node.next_->prev_) = node.prev_;
    node.prev_ = node.next_ = nullptr;
    node.queue_ = nullptr;
  }

  // Unlinks nodes oldest first until one whose owner it claims (parker::try_claim) and
  // returns that one, or nullptr once the queue is empty. The nodes it drops belong to selects
  // that another case already won; they stay unlinked (their owners find them so, CH.SEL2).
  case_node* pop_claimed() noexcept { return head_ == nullptr ? nullptr : pop_claimed_slow(); }

 private:
  case_node* pop_claimed_slow() noexcept;

  case_node* head_ = nullptr;
  case_node* tail_ = nullptr;
};

}  // namespace spindle::fiber::chan::detail
