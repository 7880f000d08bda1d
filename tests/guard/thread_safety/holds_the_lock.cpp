// Must compile cleanly under the project's clang flags (-Wthread-safety -Werror): the same
// accesses as the failing snippets, each with its lock held, through every way the toolbox
// takes one (futex_lock, lock()/unlock()). So the failing snippets fail for the violation,
// not for something else.
#include <spindle/exec/detail/futex_mutex.hpp>

namespace {

class counter {
 public:
  int value_guarded() {
    const spindle::exec::detail::futex_lock lock(mu_);
    return value_;
  }

  void bump() {
    mu_.lock();
    ++value_;
    mu_.unlock();
  }

 private:
  spindle::exec::detail::futex_mutex mu_;
  int value_ SPINDLE_GUARDED_BY(mu_) = 0;
};

class queue {
 public:
  void push() {
    const spindle::exec::detail::futex_lock lock(mu_);
    size_ = 1;
    publish_locked();
  }

 private:
  void publish_locked() SPINDLE_REQUIRES(mu_) { published_ = size_; }

  spindle::exec::detail::futex_mutex mu_;
  int size_ SPINDLE_GUARDED_BY(mu_) = 0;
  int published_ SPINDLE_GUARDED_BY(mu_) = 0;
};

}  // namespace

int thread_safety_probe() {
  counter c;
  c.bump();
  queue q;
  q.push();
  return c.value_guarded();
}
