// Faulty-mode configuration: environment parsing, the global seed, and start-up work (crash
// reporting, pinning main under SPINDLE_FAULTY_ONE_CORE).
#include <spindle/twist/faulty/config.hpp>
#include <spindle/twist/thread.hpp>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <random>

#include "runtime.hpp"

#if defined(__linux__)
#include <sched.h>
#endif

namespace spindle::twist::faulty {

namespace detail {
namespace {

[[noreturn]] void bad_setting(const char* name, const char* text, const char* expected) {
  std::fprintf(stderr, "spindle faulty mode: %s='%s' is not valid; expected %s\n", name, text,
               expected);
  std::exit(EXIT_FAILURE);
}

std::optional<std::uint64_t> env_u64(const char* name,
                                     std::uint64_t max = std::numeric_limits<std::uint64_t>::max()) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return std::nullopt;
  errno = 0;
  char* end = nullptr;
  // base 0: decimal, or 0x... hex; a leading '-' would wrap around, so it is refused.
  const unsigned long long value = std::strtoull(text, &end, 0);
  if (errno != 0 || *end != '\0' || text[0] == '-' || value > max) {
    bad_setting(name, text, "an unsigned integer in range");
  }
  return value;
}

std::uint32_t env_u32(const char* name, std::uint32_t fallback) {
  return static_cast<std::uint32_t>(
      env_u64(name, std::numeric_limits<std::uint32_t>::max()).value_or(fallback));
}

placement env_placement() {
  const char* text = std::getenv("SPINDLE_FAULTY_PLACEMENT");
  if (text == nullptr || *text == '\0' || std::strcmp(text, "before") == 0) return placement::before;
  if (std::strcmp(text, "after") == 0) return placement::after;
  if (std::strcmp(text, "both") == 0) return placement::both;
  bad_setting("SPINDLE_FAULTY_PLACEMENT", text, "before, after or both");
}

// A fresh seed when none is given: time and the OS entropy source, so parallel ctest runs
// started in the same microsecond still differ.
std::uint64_t random_seed() {
  std::random_device device;
  const auto now = static_cast<std::uint64_t>(
      std::chrono::high_resolution_clock::now().time_since_epoch().count());
  return now ^ (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

#if defined(__linux__)
// The first core the process may run on (main is still the only thread when this runs).
int first_allowed_core() {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0) return -1;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &allowed)) return cpu;
  }
  return -1;
}
#endif

}  // namespace

config_state::config_state()
    : seed(env_u64("SPINDLE_FAULTY_SEED").value_or(random_seed())),
      yield_one_in(env_u32("SPINDLE_FAULTY_YIELD_ONE_IN", fault_rates::kDefaultYieldOneIn)),
      sleep_one_in(env_u32("SPINDLE_FAULTY_SLEEP_ONE_IN", fault_rates::kDefaultSleepOneIn)),
      spurious_one_in(env_u32("SPINDLE_FAULTY_SPURIOUS_ONE_IN", fault_rates::kDefaultSpuriousOneIn)),
      wake_all_one_in(env_u32("SPINDLE_FAULTY_WAKE_ALL_ONE_IN", fault_rates::kDefaultWakeAllOneIn)),
      max_sleep_us(env_u32("SPINDLE_FAULTY_MAX_SLEEP_US",
                           static_cast<std::uint32_t>(fault_rates::kDefaultMaxSleep.count()))),
      where(env_placement()) {
  const bool wants_one_core = env_u64("SPINDLE_FAULTY_ONE_CORE", 1).value_or(0) == 1;
#if defined(__linux__)
  if (wants_one_core) {
    core = first_allowed_core();
    one_core = core >= 0;
    if (!one_core) std::fprintf(stderr, "spindle faulty mode: SPINDLE_FAULTY_ONE_CORE: no core found\n");
  }
#else
  if (wants_one_core) {
    std::fprintf(stderr, "spindle faulty mode: SPINDLE_FAULTY_ONE_CORE is Linux-only; ignored\n");
  }
#endif
}

config_state& config() noexcept {
  static config_state state;
  return state;
}

void pin_this_thread_if_one_core() noexcept {
#if defined(__linux__)
  const config_state& settings = config();
  if (!settings.one_core) return;
  cpu_set_t only;
  CPU_ZERO(&only);
  CPU_SET(settings.core, &only);
  if (sched_setaffinity(0, sizeof(only), &only) != 0) {
    std::fprintf(stderr, "spindle faulty mode: SPINDLE_FAULTY_ONE_CORE: sched_setaffinity failed\n");
  }
#endif
}

namespace {
// Start-up: runs before main() in every program that links the faulty backend (this file is
// always linked: the injector reads the settings).
[[maybe_unused]] const bool started = [] {
  config();  // read the environment now, so a malformed setting fails before any test runs
  install_crash_report();
  pin_this_thread_if_one_core();
  return true;
}();
}  // namespace

}  // namespace detail

std::uint64_t seed() noexcept { return detail::config().seed.load(std::memory_order_relaxed); }

fault_rates current_rates() noexcept {
  const detail::config_state& settings = detail::config();
  fault_rates rates;
  rates.yield_one_in = settings.yield_one_in.load(std::memory_order_relaxed);
  rates.sleep_one_in = settings.sleep_one_in.load(std::memory_order_relaxed);
  rates.spurious_one_in = settings.spurious_one_in.load(std::memory_order_relaxed);
  rates.wake_all_one_in = settings.wake_all_one_in.load(std::memory_order_relaxed);
  rates.max_sleep = std::chrono::microseconds(settings.max_sleep_us.load(std::memory_order_relaxed));
  return rates;
}

void set_rates(const fault_rates& rates) noexcept {
  detail::config_state& settings = detail::config();
  settings.yield_one_in.store(rates.yield_one_in, std::memory_order_relaxed);
  settings.sleep_one_in.store(rates.sleep_one_in, std::memory_order_relaxed);
  settings.spurious_one_in.store(rates.spurious_one_in, std::memory_order_relaxed);
  settings.wake_all_one_in.store(rates.wake_all_one_in, std::memory_order_relaxed);
  const auto max_sleep = rates.max_sleep.count();
  constexpr auto kLongestSleepUs = std::numeric_limits<std::uint32_t>::max();
  settings.max_sleep_us.store(
      max_sleep <= 0 ? 0u : max_sleep >= kLongestSleepUs ? kLongestSleepUs : static_cast<std::uint32_t>(max_sleep),
      std::memory_order_relaxed);
}

placement injection_placement() noexcept {
  return detail::config().where.load(std::memory_order_relaxed);
}

void set_injection_placement(placement where) noexcept {
  detail::config().where.store(where, std::memory_order_relaxed);
}

bool one_core() noexcept { return detail::config().one_core; }

}  // namespace spindle::twist::faulty

namespace spindle::twist {

bool facade_pins_threads() noexcept { return faulty::one_core(); }

}  // namespace spindle::twist
