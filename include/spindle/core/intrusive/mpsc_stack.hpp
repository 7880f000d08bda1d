// An intrusive lock-free stack that many threads push to and a consumer empties all at once:
// the push half of R. K. Treiber's stack ("Systems Programming: Coping with Parallelism",
// IBM Research Report RJ 5118, 1986), with pop replaced by an exchange of the whole chain.
//
//   struct task : core::intrusive::forward_hook<> { ... };
//   core::intrusive::mpsc_stack<task> inbox;
//   inbox.push(t);                                      // any thread, lock-free
//   for (task& t : inbox.pop_all_fifo()) run(t);        // the consumer, in push order
//
// Protocol:
//   1. push(node): read head_ (relaxed), point node's hook at it, then
//      compare_exchange_weak(head_: expected -> node, release); on failure re-point and retry.
//   2. pop_all(): head_.exchange(nullptr, acquire) takes the whole chain, newest first; the
//      consumer walks it privately and hands it out as a forward_list.
//
// Correctness:
//   - Publication. A producer writes its node (payload and next pointer) before the release
//     CAS that makes it reachable; the consumer reads nodes only after its acquire exchange
//     has read a head_ value. Every push is a read-modify-write of head_, so each later push
//     extends the release sequence of every earlier one, and the exchange that reads head_
//     synchronizes with all the pushes whose nodes it takes, not just the newest (MS.STACK1).
//   - No ABA. The classic Treiber ABA needs a pop that reads top->next and then CASes top
//     from a stale top to that next. Here nobody pops single nodes: the exchange writes
//     nullptr, a value that depends on nothing it read. A producer's CAS succeeds only if
//     head_ still equals the `expected` its node points at — and then linking the node on top
//     of `expected` is correct whatever happened in between (the chain was taken and that
//     same address pushed again, say), because the node's link is exactly the current top.
//     Producers never dereference `expected`, so nodes taken by pop_all may be freed at
//     once, with no hazard pointers or epochs (MS.STACK2).
//   - After its successful CAS a producer touches neither the node nor the stack (MS.STACK3):
//     the consumer may free both as soon as pop_all returns the node.
//
// Many consumers may call pop_all concurrently too (each node goes to exactly one
// exchange), but the type is meant for one: single-consumer code needs no further care.
#pragma once

#include <spindle/base/config.hpp>
#include <spindle/core/intrusive/forward_hook.hpp>
#include <spindle/core/intrusive/forward_list.hpp>
#include <spindle/twist/atomic.hpp>

namespace spindle::core::intrusive {

template <class T, class Tag = default_tag>
class mpsc_stack {
 public:
  using list_type = forward_list<T, Tag>;

  mpsc_stack() noexcept = default;

  mpsc_stack(const mpsc_stack&) = delete;
  mpsc_stack& operator=(const mpsc_stack&) = delete;
  mpsc_stack(mpsc_stack&&) = delete;
  mpsc_stack& operator=(mpsc_stack&&) = delete;

  // No thread may push concurrently with destruction. Nodes still on the stack are left
  // unlinked (never freed).
  ~mpsc_stack() {
    // relaxed: destruction happens-after every push by the caller's own synchronization.
    access::mark_chain_unlinked(head_.load(std::memory_order_relaxed));
  }

  // Pushes `node` (which must not be in a container with this tag); any thread, lock-free.
  // Returns true if the stack was empty just before, e.g. to decide to wake the consumer.
  bool push(T& node) noexcept {
    link* l = static_cast<forward_hook<Tag>*>(&node);  // the node's hook for this Tag
    access::assert_unlinked(l);
    // relaxed: only a first guess for the CAS, never dereferenced (MS.STACK2).
    link* expected = head_.load(std::memory_order_relaxed);
    do {
      access::set_next(l, expected);
      // release: publishes the node (payload and link) to the acquire exchange in pop_all();
      // relaxed on failure: the new `expected` is only re-linked, never dereferenced.
    } while (!head_.compare_exchange_weak(expected, l, std::memory_order_release,
                                          std::memory_order_relaxed));
    return expected == nullptr;  // MS.STACK3: a local, not the node or the stack
  }

  // Takes every node pushed so far, newest first (consumer). O(n): it counts the chain and
  // finds its tail, so the returned list's size, push_back and splice are O(1).
  [[nodiscard]] list_type pop_all() noexcept {
    // relaxed: a hint that skips the exchange (which takes the line exclusive) when empty.
    if (head_.load(std::memory_order_relaxed) == nullptr) return list_type{};
    // acquire: pairs with the release CAS of every push it takes (MS.STACK1).
    link* chain = head_.exchange(nullptr, std::memory_order_acquire);
    return list_type::adopt_chain(chain);
  }

  // Takes every node pushed so far, oldest first: each producer's nodes come out in the
  // order it pushed them (consumer). O(n).
  [[nodiscard]] list_type pop_all_fifo() noexcept {
    list_type list = pop_all();
    list.reverse();
    return list;
  }

  // True if no node was on the stack at the moment of the check: a hint, since producers may
  // push right after.
  bool empty() const noexcept {
    // relaxed: reports a state, publishes and consumes nothing.
    return head_.load(std::memory_order_relaxed) == nullptr;
  }

 private:
  using link = detail::forward_link;
  using access = detail::link_access;

  // The newest node, chained down to the oldest (FH.INV1 of forward_hook.hpp); nullptr if empty.
  // Written by push (CAS) and pop_all (exchange) only.
  twist::atomic<link*> head_{nullptr};
};

}  // namespace spindle::core::intrusive
