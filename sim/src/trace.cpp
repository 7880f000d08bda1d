#include "trace.hpp"

#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace spindle::sim::detail {

const char* to_string(operation op) noexcept {
  switch (op) {
    case operation::atomic_load: return "load";
    case operation::atomic_store: return "store";
    case operation::atomic_rmw: return "rmw";
    case operation::atomic_cas_failed: return "cas-failed";
    case operation::fence: return "fence";
    case operation::futex_wait: return "futex-wait";
    case operation::futex_wait_for: return "futex-wait-for";
    case operation::futex_prepare_wake: return "prepare-wake";
    case operation::futex_wake_one: return "wake-one";
    case operation::futex_wake_all: return "wake-all";
    case operation::thread_spawn: return "spawn";
    case operation::thread_join: return "join";
    case operation::thread_exit: return "exit";
    case operation::yield: return "yield";
    case operation::sleep: return "sleep";
    case operation::clock_read: return "clock";
    case operation::random: return "random";
    case operation::mutex_lock: return "mutex-lock";
    case operation::mutex_try_lock: return "mutex-try-lock";
    case operation::mutex_unlock: return "mutex-unlock";
    case operation::condvar_wait: return "condvar-wait";
    case operation::condvar_notify: return "condvar-notify";
    case operation::shared_read: return "read";
    case operation::shared_write: return "write";
    case operation::allocate: return "new";
    case operation::deallocate: return "delete";
  }
  return "?";
}

const char* to_string(std::memory_order order) noexcept {
  switch (order) {
    case std::memory_order_relaxed: return "relaxed";
    case std::memory_order_consume: return "consume";
    case std::memory_order_acquire: return "acquire";
    case std::memory_order_release: return "release";
    case std::memory_order_acq_rel: return "acq_rel";
    case std::memory_order_seq_cst: return "seq_cst";
  }
  return "?";
}

std::string format_location(const source_location& where) {
  const char* file = where.file_name();
  if (file == nullptr || *file == '\0') return "-";
  if (const char* slash = std::strrchr(file, '/')) file = slash + 1;
  std::string text = file;
  text += ':';
  text += std::to_string(where.line());
  if (where.function_name() != nullptr && *where.function_name() != '\0') {
    // The bare function name: cut the parameters and the return type, looking only at template
    // depth 0 (template arguments may hold spaces and parentheses).
    std::string function = where.function_name();
    for (std::size_t at; (at = function.find("(anonymous namespace)")) != std::string::npos;) {
      function.replace(at, 21, "{anonymous}");  // clang's spelling, gcc's length
    }
    int depth = 0;
    std::size_t name_begin = 0;
    for (std::size_t i = 0; i < function.size(); ++i) {
      const char c = function[i];
      if (c == '<') ++depth;
      if (c == '>' && depth > 0) --depth;
      if (depth != 0) continue;
      if (c == ' ') name_begin = i + 1;
      if (c == '(' && i > name_begin) {
        function.resize(i);
        break;
      }
    }
    function.erase(0, name_begin);
    text += " (" + function + ")";
  }
  return text;
}

void trace_log::reset(bool keep_all) {
  keep_all_ = keep_all;
  size_ = 0;
  if (keep_all_) {
    entries_.clear();
  } else if (entries_.size() < tail_capacity) {
    entries_.resize(tail_capacity);
  }
}

trace_entry& trace_log::append() {
  if (keep_all_) {
    entries_.emplace_back();
    ++size_;
    return entries_.back();
  }
  return at(size_++);
}

std::string trace_log::format(std::size_t limit) const {
  std::size_t begin = first_held();
  if (limit != 0 && size_ - begin > limit) begin = size_ - limit;
  std::string text;
  char line[160];
  for (std::size_t i = begin; i < size_; ++i) {
    const trace_entry& e = at(i);
    std::snprintf(line, sizeof line, "  %6" PRIu64 "  T%-2u %-14s", e.step, e.thread, to_string(e.op));
    text += line;
    if (e.location != no_location) {
      std::snprintf(line, sizeof line, " #%-3u", e.location);
      text += line;
    } else {
      text += "     ";
    }
    const bool atomic = e.op == operation::atomic_load || e.op == operation::atomic_store ||
                        e.op == operation::atomic_rmw || e.op == operation::atomic_cas_failed ||
                        e.op == operation::fence;
    if (atomic) {
      std::snprintf(line, sizeof line, " %-8s", to_string(e.order));
      text += line;
    } else {
      text += "         ";
    }
    if (e.has_value) {
      std::snprintf(line, sizeof line, " = %-10" PRIu64, e.value);
      text += line;
    } else {
      text += "             ";
    }
    text += "  " + format_location(e.where) + "\n";
  }
  return text;
}

}  // namespace spindle::sim::detail
