#include "race_detector.hpp"

namespace spindle::sim::detail {

void race_detector::reset() {
  threads_used_ = 0;
  locations_used_ = 0;
}

race_detector::thread_clocks& race_detector::thread(std::uint32_t id) {
  // Slots are reused across runs: clearing keeps their vectors' capacity.
  while (threads_used_ <= id) {
    if (threads_used_ == threads_.size()) threads_.emplace_back();
    thread_clocks& fresh = threads_[threads_used_];
    fresh.now.clear();
    fresh.now.set(static_cast<std::uint32_t>(threads_used_), 1);  // ticks start at 1: 0 is "never"
    fresh.released_fence.clear();
    fresh.has_released_fence = false;
    fresh.acquirable.clear();
    ++threads_used_;
  }
  return threads_[id];
}

race_detector::location_state& race_detector::location(std::uint32_t loc) {
  while (locations_used_ <= loc) {
    if (locations_used_ == locations_.size()) locations_.emplace_back();
    location_state& fresh = locations_[locations_used_];
    fresh.released.clear();
    fresh.writer = 0;
    fresh.write = {};
    fresh.reads.clear();
    ++locations_used_;
  }
  return locations_[loc];
}

bool race_detector::is_acquire(std::memory_order order) noexcept {
  return order == std::memory_order_acquire || order == std::memory_order_acq_rel ||
         order == std::memory_order_seq_cst || order == std::memory_order_consume;
}

bool race_detector::is_release(std::memory_order order) noexcept {
  return order == std::memory_order_release || order == std::memory_order_acq_rel ||
         order == std::memory_order_seq_cst;
}

void race_detector::on_spawn(std::uint32_t parent, std::uint32_t child) {
  thread(child);  // make the slot first: it may grow threads_ and move the parent's
  thread_clocks& p = thread(parent);
  thread_clocks& c = thread(child);
  c.now.join(p.now);
  p.now.tick(parent);
}

void race_detector::on_join(std::uint32_t joiner, std::uint32_t joined) {
  thread(std::max(joiner, joined));
  threads_[joiner].now.join(threads_[joined].now);
}

void race_detector::on_atomic(std::uint32_t id, std::uint32_t loc, operation op,
                              std::memory_order order) {
  location_state& l = location(loc);
  thread_clocks& t = thread(id);
  const bool reads = op != operation::atomic_store;
  const bool writes = op == operation::atomic_store || op == operation::atomic_rmw;
  if (reads) {
    if (is_acquire(order)) {
      t.now.join(l.released);
    } else {
      t.acquirable.join(l.released);
    }
  }
  if (writes) {
    const bool rmw = op == operation::atomic_rmw;
    if (is_release(order)) {
      // An RMW extends the release sequence it read from; a store starts a new one.
      if (rmw) {
        l.released.join(t.now);
      } else {
        l.released.assign(t.now);
      }
      t.now.tick(id);
    } else if (t.has_released_fence) {
      if (rmw) {
        l.released.join(t.released_fence);
      } else {
        l.released.assign(t.released_fence);
      }
    } else if (!rmw) {
      l.released.clear();  // a relaxed store ends every release sequence on the location
    }
  }
}

void race_detector::on_fence(std::uint32_t id, std::memory_order order) {
  thread_clocks& t = thread(id);
  if (is_acquire(order)) t.now.join(t.acquirable);
  if (is_release(order)) {
    t.released_fence.assign(t.now);
    t.has_released_fence = true;
    t.now.tick(id);
  }
}

bool race_detector::on_plain(std::uint32_t id, std::uint32_t loc, bool write,
                             const source_location& where, std::uint64_t step,
                             race_report& report) {
  location_state& l = location(loc);
  thread_clocks& t = thread(id);
  const auto fill = [&](std::uint32_t other, bool other_writes, const access_mark& mark) {
    report = race_report{other, other_writes, mark.where, mark.step, id, write, where, step, loc};
    return true;
  };
  // Against the last write (by another thread), for reads and writes alike.
  if (l.write.tick != 0 && l.writer != id && l.write.tick > t.now.get(l.writer)) {
    return fill(l.writer, true, l.write);
  }
  if (write) {
    for (std::uint32_t reader = 0; reader < l.reads.size(); ++reader) {
      const access_mark& r = l.reads[reader];
      if (reader != id && r.tick != 0 && r.tick > t.now.get(reader)) return fill(reader, false, r);
    }
    l.writer = id;
    l.write = access_mark{t.now.get(id), where, step};
    for (access_mark& r : l.reads) r.tick = 0;
  } else {
    if (l.reads.size() <= id) l.reads.resize(id + 1);
    l.reads[id] = access_mark{t.now.get(id), where, step};
  }
  return false;
}

}  // namespace spindle::sim::detail
