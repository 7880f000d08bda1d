// twist::mutex in faulty mode (see include/spindle/twist/threads/mutex.hpp).
#include <spindle/twist/threads/mutex.hpp>

#include <spindle/twist/faulty/detail/injector.hpp>
#include <spindle/twist/faulty/fault_observer.hpp>

#include "runtime.hpp"

namespace spindle::twist {

mutex::~mutex() {
  if (lock_.is_locked()) {
    faulty::detail::misuse("twist::mutex destroyed while locked", source_location::current());
  }
}

void mutex::lock(source_location where) {
  if (owner_.load(std::memory_order_relaxed) == std::this_thread::get_id()) {
    faulty::detail::misuse("twist::mutex::lock by the thread that already holds it (deadlock)",
                           where);
  }
  faulty::detail::operation_scope injected{where};
  lock_.lock();
  owner_.store(std::this_thread::get_id(), std::memory_order_relaxed);
}

bool mutex::try_lock(source_location where) {
  faulty::detail::operation_scope injected{where};
  if (faulty::detail::spurious(faulty::fault_kind::spurious_try_lock_failure, where)) return false;
  if (!lock_.try_lock()) return false;
  owner_.store(std::this_thread::get_id(), std::memory_order_relaxed);
  return true;
}

void mutex::unlock(source_location where) {
  if (!lock_.is_locked()) {
    faulty::detail::misuse("twist::mutex::unlock of a mutex that is not locked", where);
  }
  if (owner_.load(std::memory_order_relaxed) != std::this_thread::get_id()) {
    faulty::detail::misuse("twist::mutex::unlock by a thread that does not hold it", where);
  }
  owner_.store(std::thread::id{}, std::memory_order_relaxed);
  faulty::detail::operation_scope injected{where};
  // Waking every sleeper now and then makes the kernel's wake order irrelevant to who locks next.
  lock_.unlock(faulty::detail::wake_all_instead_of_one(where));
}

}  // namespace spindle::twist
