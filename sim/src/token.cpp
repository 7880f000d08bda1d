#include "token.hpp"

#include <algorithm>

namespace spindle::sim::detail {

namespace {

constexpr std::string_view kPrefix = "S1";
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void put_varint(std::vector<std::uint8_t>& out, std::uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(value | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(value));
}

bool get_varint(const std::vector<std::uint8_t>& in, std::size_t& at, std::uint64_t& value) {
  value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (at >= in.size()) return false;
    const std::uint8_t byte = in[at++];
    value |= std::uint64_t{byte & 0x7fu} << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

std::uint8_t checksum(const std::vector<std::uint8_t>& bytes, std::size_t count) {
  std::uint8_t sum = 0x5a;
  for (std::size_t i = 0; i < count; ++i) sum = static_cast<std::uint8_t>((sum << 1 | sum >> 7) ^ bytes[i]);
  return sum;
}

}  // namespace

std::uint16_t name_hash(std::string_view name) noexcept {
  std::uint32_t h = 2166136261u;  // FNV-1a
  for (const char c : name) h = (h ^ static_cast<std::uint8_t>(c)) * 16777619u;
  return static_cast<std::uint16_t>(h ^ (h >> 16));
}

std::uint8_t fault_mask(const fault_options& f) noexcept {
  return static_cast<std::uint8_t>(f.spurious_cas << 0 | f.spurious_wakeups << 1 |
                                   f.wake_order << 2 | f.timeouts << 3 |
                                   f.allocation_failure << 4);
}

std::vector<deviation> deviations_of(const std::vector<recorded_choice>& choices) {
  std::vector<deviation> out;
  for (const recorded_choice& c : choices) {
    if (c.is_default) continue;
    const std::uint32_t value = c.kind == choice_kind::thread
                                    ? (c.value == timer_candidate ? 0 : c.value + 1)
                                    : c.value;
    out.push_back({c.decider, c.decision, value});
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string encode(const schedule& s) {
  std::vector<std::uint8_t> bytes;
  bytes.push_back(static_cast<std::uint8_t>(s.name_hash >> 8));
  bytes.push_back(static_cast<std::uint8_t>(s.name_hash));
  bytes.push_back(s.fault_mask);
  put_varint(bytes, s.random_seed);
  put_varint(bytes, s.deviations.size());
  const deviation* previous = nullptr;
  for (const deviation& d : s.deviations) {
    const bool same_thread = previous != nullptr && previous->thread == d.thread;
    put_varint(bytes, d.thread);
    put_varint(bytes, same_thread ? d.decision - previous->decision : d.decision);
    put_varint(bytes, d.value);
    previous = &d;
  }
  bytes.push_back(checksum(bytes, bytes.size()));
  std::string text{kPrefix};
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const std::uint8_t byte : bytes) {
    buffer = buffer << 8 | byte;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      text += kAlphabet[(buffer >> bits) & 63];
    }
  }
  if (bits > 0) text += kAlphabet[(buffer << (6 - bits)) & 63];
  return text;
}

bool decode(std::string_view text, schedule& s, std::string& error) {
  if (text.substr(0, kPrefix.size()) != kPrefix) {
    error = "a replay token starts with \"S1\"";
    return false;
  }
  text.remove_prefix(kPrefix.size());
  std::vector<std::uint8_t> bytes;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : text) {
    const char* found = std::char_traits<char>::find(kAlphabet, 64, c);
    if (found == nullptr) {
      error = std::string("unexpected character '") + c + "' in the replay token";
      return false;
    }
    buffer = buffer << 6 | static_cast<std::uint32_t>(found - kAlphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push_back(static_cast<std::uint8_t>(buffer >> bits));
    }
  }
  if (bytes.size() < 6 || checksum(bytes, bytes.size() - 1) != bytes.back()) {
    error = "the replay token is damaged (checksum mismatch): copy it whole";
    return false;
  }
  std::size_t at = 0;
  s.name_hash = static_cast<std::uint16_t>(bytes[0] << 8 | bytes[1]);
  s.fault_mask = bytes[2];
  at = 3;
  std::uint64_t count = 0;
  if (!get_varint(bytes, at, s.random_seed) || !get_varint(bytes, at, count)) {
    error = "the replay token is truncated";
    return false;
  }
  s.deviations.clear();
  for (std::uint64_t i = 0; i < count; ++i) {
    std::uint64_t thread = 0;
    std::uint64_t decision = 0;
    std::uint64_t value = 0;
    if (!get_varint(bytes, at, thread) || !get_varint(bytes, at, decision) ||
        !get_varint(bytes, at, value)) {
      error = "the replay token is truncated";
      return false;
    }
    if (!s.deviations.empty() && s.deviations.back().thread == thread) {
      decision += s.deviations.back().decision;
    }
    s.deviations.push_back({static_cast<std::uint32_t>(thread), static_cast<std::uint32_t>(decision),
                            static_cast<std::uint32_t>(value)});
  }
  if (at + 1 != bytes.size()) {
    error = "the replay token has trailing bytes";
    return false;
  }
  return true;
}

std::size_t replay_chooser::choose(const choice& c) {
  const deviation key{c.decider, c.decision, 0};
  const auto found = std::lower_bound(deviations_.begin(), deviations_.end(), key);
  if (found == deviations_.end() || found->thread != key.thread || found->decision != key.decision) {
    return 0;
  }
  const std::uint32_t value = found->value;
  if (c.kind == choice_kind::thread) {
    const std::uint32_t thread = value == 0 ? timer_candidate : value - 1;
    for (std::size_t i = 0; i < c.candidates.size(); ++i) {
      if (c.candidates[i].thread == thread) return i;
    }
    diverged_ = true;
    return 0;
  }
  if (value >= c.count) {
    diverged_ = true;
    return 0;
  }
  return value;
}

}  // namespace spindle::sim::detail
