// The facade's blocking primitive: one thread publishes a value and wakes another that
// sleeps on a 32-bit futex word, following the wake rule (prepare_wake before the store).
#include <cstdint>
#include <cstdio>

#include <spindle/twist/atomic.hpp>
#include <spindle/twist/futex.hpp>
#include <spindle/twist/thread.hpp>
#include <spindle/version.hpp>

namespace twist = spindle::twist;

int main() {
  std::printf("spindle %.*s, twist mode: %.*s\n", static_cast<int>(spindle::version().size()),
              spindle::version().data(), static_cast<int>(spindle::twist_mode().size()),
              spindle::twist_mode().data());

  int payload = 0;                       // plain memory, published by the release store below
  twist::atomic<std::uint32_t> ready{0};

  twist::thread consumer([&] {
    // acquire: pairs with the producer's release store, so `payload` is visible.
    while (ready.load(std::memory_order_acquire) == 0) {
      twist::futex::wait(ready, 0, std::memory_order_acquire);
    }
    std::printf("consumer woke up and read payload = %d\n", payload);
  });

  payload = 42;
  auto key = twist::futex::prepare_wake(ready);  // before the store that lets the consumer go
  ready.store(1, std::memory_order_release);      // release: pairs with the consumer's acquire
  twist::futex::wake_one(key);
  consumer.join();
  return 0;
}
