// Double-checked lazy initialisation that publishes the object with a relaxed store (sim
// builds only). The simulator's race detector reports the object's fields, the failure replays
// from its token, and bounded DFS proves the release/acquire version.
//
// The first caller builds the object under the mutex and stores the pointer; later callers
// take the fast path, a load of the pointer without the mutex. With relaxed orders that load
// synchronizes with nothing: a caller can see the pointer without seeing the fields written
// before it was stored (on weakly ordered hardware, or after the compiler reorders the stores).
// The fix: store the pointer with release, and load it on the fast path with acquire.
#include <atomic>
#include <cstdio>
#include <mutex>

#include <spindle/base/config.hpp>
#include <spindle/twist/atomic.hpp>
#include <spindle/twist/mutex.hpp>
#include <spindle/twist/shared.hpp>
#include <spindle/twist/thread.hpp>

#include "sim_demo.hpp"

namespace twist = spindle::twist;

namespace {

struct settings {
  twist::shared<int> port;     // written once, by the thread that builds the object
  twist::shared<int> retries;  // same
};

constexpr int kPort = 8080;
constexpr int kRetries = 3;

// get() returns the one settings object, built by the first caller. Fixed is the planted
// choice: false publishes and reads the pointer relaxed, true with release and acquire.
template <bool Fixed>
class lazy_settings {
  static constexpr std::memory_order kPublish =
      Fixed ? std::memory_order_release : std::memory_order_relaxed;
  static constexpr std::memory_order kFastPath =
      Fixed ? std::memory_order_acquire : std::memory_order_relaxed;

 public:
  lazy_settings() = default;
  lazy_settings(const lazy_settings&) = delete;
  lazy_settings& operator=(const lazy_settings&) = delete;
  ~lazy_settings() { delete instance_.load(std::memory_order_relaxed); }  // callers are joined

  const settings& get() {
    // acquire (when Fixed): pairs with the release store below.
    settings* s = instance_.load(kFastPath);
    if (s != nullptr) return *s;
    std::lock_guard guard(mu_);
    s = instance_.load(std::memory_order_relaxed);  // relaxed: mu_ orders it after the store
    if (s == nullptr) {
      s = new settings;
      s->port.write(kPort);
      s->retries.write(kRetries);
      instance_.store(s, kPublish);  // release (when Fixed): publishes the fields
    }
    return *s;
  }

 private:
  twist::atomic<settings*> instance_{nullptr};
  twist::mutex mu_;  // serialises the slow path
};

template <bool Fixed>
void two_threads_read_settings() {
  lazy_settings<Fixed> config;
  auto use = [&] {
    const settings& s = config.get();
    SPINDLE_VERIFY(s.port.read() == kPort && s.retries.read() == kRetries,
                   "a thread saw half-built settings");
  };
  twist::thread a(use);
  twist::thread b(use);
  a.join();
  b.join();
}

}  // namespace

int main() {
  std::printf("double-checked lazy init publishing the pointer with relaxed orders\n");
  return spindle::examples::run_demo(
      {"lazy_init", spindle::sim::outcome::data_race,
       two_threads_read_settings<false>, two_threads_read_settings<true>});
}
