// fiber::jobs::job_counter: the protocol (steps 1-4, JC.CNT1) is in job_counter.hpp; the code is
// wait_group's, sync::detail::countdown (fiber/sync/detail/countdown.hpp), with the pool's
// wait node.
#include <spindle/fiber/jobs/job_counter.hpp>

#include <spindle/base/config.hpp>

namespace spindle::fiber::jobs {

job_counter::~job_counter() {
  SPINDLE_VERIFY(count_.idle(),
                 "fiber::jobs::job_counter destroyed with jobs outstanding or waiters");
}

std::uint32_t job_counter::value() const noexcept { return count_.value(); }

void job_counter::add(std::uint32_t n) noexcept { count_.add(n); }

void job_counter::done() noexcept { count_.done(); }

void job_counter::wait() { count_.wait(); }

}  // namespace spindle::fiber::jobs
