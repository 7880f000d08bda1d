// fiber::sync::wait_group: the protocol (steps 1-4, CD.WG1) is in wait_group.hpp; the code, which
// job_counter shares, is sync::detail::countdown (sync/detail/countdown.hpp).
#include <spindle/fiber/sync/wait_group.hpp>

#include <spindle/base/config.hpp>

namespace spindle::fiber::sync {

wait_group::~wait_group() {
  SPINDLE_ASSERT(count_.idle(),
                 "fiber::sync::wait_group destroyed with work outstanding or waiters");
}

void wait_group::add(std::uint32_t n) noexcept { count_.add(n); }

void wait_group::done() noexcept { count_.done(); }

void wait_group::wait() { count_.wait(); }

}  // namespace spindle::fiber::sync
