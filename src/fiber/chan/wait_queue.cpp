// fiber::chan::detail::wait_queue: the claiming pop (the claim protocol is in parker.hpp).
#include <spindle/fiber/chan/detail/wait_queue.hpp>

#include <spindle/fiber/chan/detail/parker.hpp>

namespace spindle::fiber::chan::detail {

case_node* wait_queue::pop_claimed_slow() noexcept {
  for (case_node* node = head_; node != nullptr; node = head_) {
    unlink(*node);
    // CH.CLAIM1: the first claim of a parker wins; a node whose select already completed through
    // another case is dropped here, unlinked (its owner relocks this channel before it
    // returns, so our access to its parker ends before the parker's frame does: CH.SEL2).
    if (node->owner->try_claim(node->index)) return node;
  }
  return nullptr;
}

}  // namespace spindle::fiber::chan::detail
