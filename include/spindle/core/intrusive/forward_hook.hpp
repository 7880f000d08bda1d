// The hook that puts an object into spindle's singly-linked intrusive containers
// (forward_list, queue, stack, mpsc_stack): one `next` pointer embedded in the object, so
// linking never allocates.
//
//   struct ready_tag;                                   // one tag per container kind
//   struct task : core::intrusive::forward_hook<>,      // default_tag: for forward_list<task>
//                 core::intrusive::forward_hook<ready_tag> {
//     int id;
//   };
//   core::intrusive::forward_list<task> all;            // uses forward_hook<default_tag>
//   core::intrusive::queue<task, ready_tag> ready;      // uses forward_hook<ready_tag>
//   all.push_back(t);  ready.push_back(t);              // t is in both at once
//
// An object is in at most one container per tag at a time. The containers own no nodes:
// the caller keeps every node alive while it is linked.
//
// Link-state invariants (the representation every container shares):
//   FH.INV1  A linked hook's next_ is the following node of its chain, or nullptr at the end.
//   FH.INV2  An unlinked hook's next_ is unlinked_sentinel() — never nullptr and never a node —
//            so pushing a node that is already linked, or destroying one that still is, is caught
//            in O(1) wherever SPINDLE_ASSERT is active (!NDEBUG). Every removal (pop, clear,
//            container destruction) restores the sentinel in every build: the representation must
//            not depend on NDEBUG, or a translation unit built with it and one built without it
//            would disagree about the same node (an ODR violation that shows up as false
//            "double insertion" reports). Only the checks come and go with NDEBUG.
// The design follows Boost.Intrusive's slist hooks in "safe mode" (I. Gaztañaga, 2005-).
#pragma once

#include <spindle/base/config.hpp>

namespace spindle::core::intrusive {

// The tag of forward_hook<> and of containers declared without one.
struct default_tag;

namespace detail {

class link_access;

// Alignment-correct storage whose address marks unlinked hooks; it is never read or written.
struct unlinked_marker {
  alignas(void*) unsigned char unused[sizeof(void*)];
};
inline unlinked_marker unlinked_marker_storage;

// The untyped link all containers operate on; forward_hook<Tag> is its tagged face.
class forward_link {
 public:
  forward_link() noexcept = default;

  // A copy of a linked object is a new object, not a member of the original's container.
  forward_link(const forward_link&) noexcept {}
  forward_link& operator=(const forward_link&) noexcept { return *this; }

  ~forward_link() {
    SPINDLE_ASSERT(next_ == unlinked_sentinel(),
                   "a node was destroyed while still in an intrusive container");
  }

 private:
  friend class link_access;

  static forward_link* unlinked_sentinel() noexcept {
    return reinterpret_cast<forward_link*>(&unlinked_marker_storage);
  }

  // FH.INV1/FH.INV2; written by the container holding it.
  forward_link* next_ = unlinked_sentinel();
};

// The containers' only door into forward_link: keeps next_ out of the users' objects' API.
class link_access {
 public:
  static forward_link* next(const forward_link* link) noexcept { return link->next_; }
  static void set_next(forward_link* link, forward_link* next) noexcept { link->next_ = next; }

  // Checks FH.INV2 before a push: the node must not be in a container with this tag already.
  static void assert_unlinked([[maybe_unused]] const forward_link* link) noexcept {
    SPINDLE_ASSERT(link->next_ == forward_link::unlinked_sentinel(),
                   "node is already in an intrusive container (double insertion)");
  }

  // Restores FH.INV2 after a removal: one store.
  static void mark_unlinked(forward_link* link) noexcept {
    link->next_ = forward_link::unlinked_sentinel();
  }

  // Marks every node of a nullptr-terminated chain unlinked: O(n).
  static void mark_chain_unlinked(forward_link* head) noexcept {
    while (head != nullptr) {
      forward_link* next = head->next_;
      head->next_ = forward_link::unlinked_sentinel();
      head = next;
    }
  }
};

}  // namespace detail

// Derive from forward_hook<Tag> (publicly) to make a type storable in the containers with
// that tag. Copying an object does not copy its membership.
template <class Tag = default_tag>
class forward_hook : public detail::forward_link {};

}  // namespace spindle::core::intrusive
