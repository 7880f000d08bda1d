// Uses a little of everything public, so a missing header or library in the package fails
// to compile or link here.
#include <cstdio>
#include <string_view>

#include <spindle/twist/atomic.hpp>
#include <spindle/twist/futex.hpp>
#include <spindle/twist/thread.hpp>
#include <spindle/version.hpp>

int main() {
  spindle::twist::atomic<std::uint32_t> ready{0};
  spindle::twist::thread waker([&] {
    auto key = spindle::twist::futex::prepare_wake(ready);
    ready.store(1);
    spindle::twist::futex::wake_one(key);
  });
  while (ready.load() == 0) spindle::twist::futex::wait(ready, 0);
  waker.join();
  std::printf("spindle %.*s (%.*s mode) consumed ok\n", static_cast<int>(spindle::version().size()),
              spindle::version().data(), static_cast<int>(spindle::twist_mode().size()),
              spindle::twist_mode().data());
  return spindle::version() == SPINDLE_EXPECTED_VERSION ? 0 : 1;
}
