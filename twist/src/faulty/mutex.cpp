// twist::mutex in faulty mode (see include/spindle/twist/faulty/mutex.hpp).
#include <spindle/twist/faulty/mutex.hpp>

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
  faulty::detail::operation_scope injected{where};
  lock_.lock();
}

bool mutex::try_lock(source_location where) {
  faulty::detail::operation_scope injected{where};
  if (faulty::detail::spurious(faulty::fault_kind::spurious_try_lock_failure, where)) return false;
  return lock_.try_lock();
}

void mutex::unlock(source_location where) {
  if (!lock_.is_locked()) {
    faulty::detail::misuse("twist::mutex::unlock of a mutex that is not locked", where);
  }
  faulty::detail::operation_scope injected{where};
  // Waking every sleeper now and then makes the kernel's wake order irrelevant to who locks next.
  lock_.unlock(faulty::detail::wake_all_instead_of_one(where));
}

}  // namespace spindle::twist
