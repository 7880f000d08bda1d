// Replay tokens: a run's schedule in a short string a user can paste into an environment
// variable. A schedule is the list of a run's decisions that differ from the default (no
// preemption, no fault, FIFO wake), each named by the thread that decided and the count of
// its earlier decisions ("at T1's 3rd decision, run T2"), plus the seed of twist::random's
// stream and the fault kinds that were enabled. Defaults are not stored, which is why shrunk
// schedules (few deviations) give short tokens; naming decisions per thread keeps a deviation
// meaningful when the shrinker removes others (CHESS names preemption points the same way).
//
// Text form: "S1" then base64url of
//   [name hash: 2 bytes][fault mask: 1 byte][varint seed][varint count]
//   count x [varint thread][varint decision (gap from the previous one of the same thread)]
//           [varint value]
//   [checksum: 1 byte]
// Deviations are sorted by (thread, decision). A thread value is the thread id + 1 (0: the
// timer); other values are the chosen index.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <spindle/sim/options.hpp>

#include "chooser.hpp"

namespace spindle::sim::detail {

struct deviation {
  std::uint32_t thread;    // the deciding thread
  std::uint32_t decision;  // how many decisions it had made before
  std::uint32_t value;     // token value (see above)
  friend bool operator<(const deviation& a, const deviation& b) noexcept {
    return a.thread != b.thread ? a.thread < b.thread : a.decision < b.decision;
  }
};

struct schedule {
  std::uint16_t name_hash = 0;
  std::uint8_t fault_mask = 0;
  std::uint64_t random_seed = 0;
  std::vector<deviation> deviations;
};

std::uint16_t name_hash(std::string_view name) noexcept;
std::uint8_t fault_mask(const fault_options& faults) noexcept;

// The deviations of a recorded run, sorted.
std::vector<deviation> deviations_of(const std::vector<recorded_choice>& choices);

std::string encode(const schedule& s);
// False (with the reason in `error`) if `text` is not a token.
bool decode(std::string_view text, schedule& s, std::string& error);

// Replays a schedule: the recorded deviations at their positions, defaults everywhere else.
// A thread deviation whose thread cannot run at that point (an edited schedule) falls back to
// the default; diverged() then says so.
class replay_chooser final : public chooser {
 public:
  // `deviations` must be sorted, and outlive the chooser.
  explicit replay_chooser(const std::vector<deviation>& deviations) : deviations_(deviations) {}
  std::size_t choose(const choice& c) override;
  bool diverged() const noexcept { return diverged_; }

 private:
  const std::vector<deviation>& deviations_;
  bool diverged_ = false;
};

}  // namespace spindle::sim::detail
