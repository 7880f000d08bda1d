// The memory checker (memory.hpp) and the global operator new/delete of sim builds.
//
// The quarantine follows AddressSanitizer (Serebryany, Bruening, Potapenko, Vyukov:
// "AddressSanitizer: A Fast Address Sanity Checker", USENIX ATC 2012): freed blocks are
// poisoned and held back from reuse, so a stale pointer reaches a recognisable dead block
// instead of somebody else's live object. Nothing is instrumented here: the simulator asks about
// an address only at facade steps (atomics, futex words, twist::shared cells), which is where a
// concurrent use-after-free shows up in programs written against the facade.
//
// How an operator new / delete call is routed:
//   1. No run is active on any OS thread (runs_active == 0): malloc / free. The fast path: one
//      predictable branch in front of malloc.
//   2. A run is active, but not on this OS thread; or the simulator itself is running (a trap,
//      the host); or the checker is building a message: malloc / free, untracked.
//   3. User code of a simulated thread allocates: maybe an injected failure (a scheduler
//      decision, so explored and replayed like an interleaving); else malloc, and with
//      detect.memory an entry in the live table (size, thread, step, call site, number).
//   4. Any delete during a run looks the pointer up: live -> poisoned and quarantined; in
//      quarantine -> double free (the run fails); neither -> not the run's (allocated before
//      it, or by the simulator): free.
//
// MEM.INV1: every pointer handed out is exactly what malloc / posix_memalign returned, tracked or
//           not, and the checker keeps its records in side tables, never in a header. So free() is
//           right for any block at any time (a forgotten leak freed after the run, a failure
//           message the host keeps), and no memory in front of a foreign pointer is ever read.
// MEM.INV2: a quarantined block is not given back to malloc, so while it is in quarantine its
//           address cannot be handed out again: an exact quarantine hit on delete is a double free.
// MEM.INV3: the checker's own containers allocate with malloc_allocator, never operator new, so
//           bookkeeping cannot recurse into the routing above.
#include "memory.hpp"

#include <cxxabi.h>
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <new>
#include <unordered_map>
#include <utility>
#include <vector>

#include "world.hpp"

namespace spindle::sim::detail::memory {
namespace {

constexpr std::size_t kDefaultAlignment = __STDCPP_DEFAULT_NEW_ALIGNMENT__;
constexpr unsigned char kPoison = 0xdd;
// Quarantine bounds (empirical: test runs free far less; the bounds only keep a long run from
// holding all it ever freed). Past them the oldest blocks go back to malloc.
constexpr std::size_t kQuarantineMaxBytes = std::size_t{64} << 20;
constexpr std::size_t kQuarantineMaxBlocks = 100'000;
constexpr std::size_t kLeaksListed = 8;
constexpr std::size_t kSymbolMaxChars = 160;

using address = std::uintptr_t;

// MEM.INV3: an allocator for the checker's containers that never enters operator new.
template <class T>
struct malloc_allocator {
  using value_type = T;
  malloc_allocator() noexcept = default;
  template <class U>
  malloc_allocator(const malloc_allocator<U>&) noexcept {}  // NOLINT: rebinding is implicit
  T* allocate(std::size_t n) {
    if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    if (void* p = std::malloc(n * sizeof(T))) return static_cast<T*>(p);
    throw std::bad_alloc();
  }
  void deallocate(T* p, std::size_t) noexcept { std::free(p); }
  template <class U>
  bool operator==(const malloc_allocator<U>&) const noexcept {
    return true;
  }
};

struct block {
  std::size_t size = 0;
  std::uint64_t number = 0;  // allocation number in the run: a stable order for reports
  std::uint64_t step = 0;    // allocated after this step (the trace's numbering)
  const void* site = nullptr;
  std::uint32_t thread = 0;
  std::uint32_t free_thread = 0;
  std::uint64_t free_step = 0;
  const void* free_site = nullptr;
};

// malloc, or posix_memalign for an over-aligned block; null when out of memory.
void* system_allocate(std::size_t size, std::size_t alignment) noexcept {
  if (size == 0) size = 1;  // operator new(0) returns a unique pointer
  if (alignment <= kDefaultAlignment) return std::malloc(size);
  void* p = nullptr;
  return posix_memalign(&p, alignment, size) == 0 ? p : nullptr;
}

// The standard operator new loop: retry through the new handler, then fail as the form says.
void* allocate_untracked(std::size_t size, std::size_t alignment, bool nothrow) {
  for (;;) {
    if (void* p = system_allocate(size, alignment)) return p;
    const std::new_handler handler = std::get_new_handler();
    if (handler == nullptr) {
      if (nothrow) return nullptr;
      throw std::bad_alloc();
    }
    if (!nothrow) {
      handler();
      continue;
    }
    try {
      handler();
    } catch (...) {
      return nullptr;
    }
  }
}

std::string hex(std::uintptr_t value) {
  char text[2 + 2 * sizeof value + 1];
  std::snprintf(text, sizeof text, "0x%jx", static_cast<std::uintmax_t>(value));
  return text;
}

// "symbol+0x1c (addr2line -e module 0x1234)" for a return address, as much as dladdr knows.
std::string symbolize(const void* site) {
  if (site == nullptr) return "an unknown site";
  const auto raw = reinterpret_cast<std::uintptr_t>(site);
  Dl_info info{};
  if (dladdr(site, &info) == 0) return hex(raw);
  // A return address points past the call: one byte back names the call's symbol and line.
  const std::uintptr_t call = raw - 1;
  std::string text;
  if (info.dli_sname != nullptr) {
    int status = 0;
    char* demangled = abi::__cxa_demangle(info.dli_sname, nullptr, nullptr, &status);
    text = status == 0 && demangled != nullptr ? demangled : info.dli_sname;
    std::free(demangled);  // __cxa_demangle allocates with malloc
    if (text.size() > kSymbolMaxChars) text = text.substr(0, kSymbolMaxChars) + "...";
    text += "+" + hex(call - reinterpret_cast<std::uintptr_t>(info.dli_saddr)) + " ";
  }
  if (info.dli_fname != nullptr && info.dli_fbase != nullptr) {
    // addr2line takes offsets into position-independent modules, absolute addresses otherwise.
    const auto* header = static_cast<const ElfW(Ehdr)*>(info.dli_fbase);
    const std::uintptr_t where =
        header->e_type == ET_EXEC ? call : call - reinterpret_cast<std::uintptr_t>(info.dli_fbase);
    text += "(addr2line -e " + std::string(info.dli_fname) + " " + hex(where) + ")";
  } else {
    text += hex(raw);
  }
  return text;
}

class checker {
 public:
  void begin(world& w) noexcept {
    world_ = &w;
    track_ = w.config().detect.memory;
    busy_ = false;
    next_number_ = 0;
  }

  std::string end(bool report_leaks) {
    std::string report;
    if (report_leaks && !live_.empty()) report = leak_report();
    // Forgotten, not freed: a leaked block may still be referenced by state outside the run,
    // and MEM.INV1 lets whoever holds it free it later.
    live_.clear();
    while (!order_.empty()) release_oldest();
    world_ = nullptr;
    return report;
  }

  void* allocate(std::size_t size, std::size_t alignment, bool nothrow, const void* site) {
    if (busy_ || !world_->user_code_running()) return allocate_untracked(size, alignment, nothrow);
    if (world_->allocation_fails()) {
      if (nothrow) return nullptr;
      throw std::bad_alloc();
    }
    void* p = allocate_untracked(size, alignment, nothrow);
    if (p == nullptr || !track_) return p;
    block b;
    b.size = size;
    b.number = next_number_++;
    b.step = world_->step_count();
    b.site = site;
    b.thread = world_->current_thread_id();
    try {
      // insert_or_assign: a tracked block freed by another OS thread went straight to free()
      // and may come back from malloc at the same address.
      live_.insert_or_assign(reinterpret_cast<address>(p), b);
    } catch (...) {
      std::free(p);
      if (nothrow) return nullptr;
      throw;
    }
    return p;
  }

  void deallocate(void* p, const void* site) noexcept {
    const auto a = reinterpret_cast<address>(p);
    if (const auto it = live_.find(a); it != live_.end()) {
      block b = it->second;
      live_.erase(it);
      b.free_thread = world_->current_thread_id();
      b.free_step = world_->step_count();
      b.free_site = site;
      std::memset(p, kPoison, b.size);
      quarantine_.emplace(a, b);
      order_.push_back(a);
      quarantine_bytes_ += b.size;
      while (!order_.empty() &&
             (order_.size() > kQuarantineMaxBlocks || quarantine_bytes_ > kQuarantineMaxBytes)) {
        release_oldest();
      }
      return;
    }
    if (!quarantine_.empty()) {
      if (const auto it = quarantine_.find(a); it != quarantine_.end()) {
        report_double_free(it->second, site);  // MEM.INV2
      }
    }
    std::free(p);  // not the run's block (MEM.INV1)
  }

  bool freed_block_at(address a, std::string& description) {
    if (quarantine_.empty()) return false;
    auto it = quarantine_.upper_bound(a);
    if (it == quarantine_.begin()) return false;
    --it;
    if (a - it->first >= std::max<std::size_t>(it->second.size, 1)) return false;
    busy_ = true;
    description = describe(it->second) + (a == it->first ? "" : " (at offset " +
                                                                 std::to_string(a - it->first) + ")");
    busy_ = false;
    return true;
  }

 private:
  std::string describe(const block& b) const {
    return "a block of " + std::to_string(b.size) + " bytes (allocation #" +
           std::to_string(b.number) + ") allocated by T" + std::to_string(b.thread) +
           " after step " + std::to_string(b.step) + " from " + symbolize(b.site) +
           ", freed by T" + std::to_string(b.free_thread) + " after step " +
           std::to_string(b.free_step) + " from " + symbolize(b.free_site);
  }

  [[noreturn]] void report_double_free(const block& b, const void* site) {
    busy_ = true;  // the message is the checker's, and fail() never returns to clear it
    std::string message = "double free: T" + std::to_string(world_->current_thread_id()) +
                          " deletes, after step " + std::to_string(world_->step_count()) +
                          " from " + symbolize(site) + ", " + describe(b);
    world_->fail(sim::outcome::double_free, std::move(message));
  }

  std::string leak_report() const {
    std::vector<const std::pair<const address, block>*> blocks;
    blocks.reserve(live_.size());
    std::size_t bytes = 0;
    for (const auto& entry : live_) {
      blocks.push_back(&entry);
      bytes += entry.second.size;
    }
    std::sort(blocks.begin(), blocks.end(),
              [](const auto* x, const auto* y) { return x->second.number < y->second.number; });
    std::string report = "memory leak: " + std::to_string(blocks.size()) + " block" +
                         (blocks.size() == 1 ? "" : "s") + " (" + std::to_string(bytes) +
                         " bytes) allocated by simulated threads never freed:";
    for (std::size_t i = 0; i < blocks.size() && i < kLeaksListed; ++i) {
      const block& b = blocks[i]->second;
      report += "\n    " + std::to_string(b.size) + " bytes (allocation #" +
                std::to_string(b.number) + ") allocated by T" + std::to_string(b.thread) +
                " after step " + std::to_string(b.step) + " from " + symbolize(b.site);
    }
    if (blocks.size() > kLeaksListed) {
      report += "\n    ... and " + std::to_string(blocks.size() - kLeaksListed) + " more";
    }
    return report;
  }

  void release_oldest() noexcept {
    const address a = order_.front();
    order_.pop_front();
    const auto it = quarantine_.find(a);
    quarantine_bytes_ -= it->second.size;
    quarantine_.erase(it);
    std::free(reinterpret_cast<void*>(a));
  }

  template <class K, class V>
  using malloc_pair = malloc_allocator<std::pair<const K, V>>;

  world* world_ = nullptr;
  bool track_ = false;  // detect.memory: keep tables (else only failure injection)
  bool busy_ = false;   // building a message: its allocations are the checker's own
  std::uint64_t next_number_ = 0;
  std::unordered_map<address, block, std::hash<address>, std::equal_to<>,
                     malloc_pair<address, block>>
      live_;
  // Sorted by start address, so an address inside a freed block finds it (freed_block_at).
  std::map<address, block, std::less<>, malloc_pair<address, block>> quarantine_;
  std::deque<address, malloc_allocator<address>> order_;  // quarantine, oldest first
  std::size_t quarantine_bytes_ = 0;
};

// How many OS threads have a run active. Relaxed: only the OS thread that runs a simulation
// needs to see its own writes (program order); another thread reading it racily takes either
// path, and both are right for it (this_thread_checker is null there, MEM.INV1).
std::atomic<int> runs_active{0};
thread_local checker* this_thread_checker = nullptr;

void* hooked_allocate(std::size_t size, std::size_t alignment, bool nothrow, const void* site) {
  checker* c = this_thread_checker;
  if (c == nullptr) return allocate_untracked(size, alignment, nothrow);
  return c->allocate(size, alignment, nothrow, site);
}

void hooked_deallocate(void* p, const void* site) noexcept {
  checker* c = this_thread_checker;
  if (c == nullptr || p == nullptr) {
    std::free(p);
    return;
  }
  c->deallocate(p, site);
}

}  // namespace

void begin_run(world& w) {
  // One checker per OS thread, kept between runs so its tables keep their capacity.
  static thread_local checker instance;
  instance.begin(w);
  this_thread_checker = &instance;
  runs_active.fetch_add(1, std::memory_order_relaxed);
}

std::string end_run(bool report_leaks) {
  checker* c = this_thread_checker;
  if (c == nullptr) return {};
  this_thread_checker = nullptr;
  runs_active.fetch_sub(1, std::memory_order_relaxed);
  return c->end(report_leaks);
}

bool freed_block_at(const void* address, std::string& description) {
  checker* c = this_thread_checker;
  return c != nullptr && c->freed_block_at(reinterpret_cast<std::uintptr_t>(address), description);
}

// The operator new/delete bodies: inlined into each replaceable form, so each form's own return
// address is the call site in the program.
namespace {

[[gnu::always_inline]] inline void* new_impl(std::size_t size, std::size_t alignment,
                                              bool nothrow, const void* site) {
  if (runs_active.load(std::memory_order_relaxed) != 0) [[unlikely]] {
    return hooked_allocate(size, alignment, nothrow, site);
  }
  if (alignment <= kDefaultAlignment) {
    if (void* p = std::malloc(size)) [[likely]] return p;
  }
  return allocate_untracked(size, alignment, nothrow);
}

[[gnu::always_inline]] inline void delete_impl(void* p, const void* site) noexcept {
  if (runs_active.load(std::memory_order_relaxed) != 0) [[unlikely]] {
    hooked_deallocate(p, site);
    return;
  }
  std::free(p);
}

}  // namespace
}  // namespace spindle::sim::detail::memory

// ---- the replaceable global allocation functions ([new.delete]) ---------------------------------

namespace mem = spindle::sim::detail::memory;

#define SPINDLE_SIM_CALL_SITE __builtin_return_address(0)

void* operator new(std::size_t size) {
  return mem::new_impl(size, mem::kDefaultAlignment, false, SPINDLE_SIM_CALL_SITE);
}
void* operator new[](std::size_t size) {
  return mem::new_impl(size, mem::kDefaultAlignment, false, SPINDLE_SIM_CALL_SITE);
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return mem::new_impl(size, mem::kDefaultAlignment, true, SPINDLE_SIM_CALL_SITE);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return mem::new_impl(size, mem::kDefaultAlignment, true, SPINDLE_SIM_CALL_SITE);
}
void* operator new(std::size_t size, std::align_val_t alignment) {
  return mem::new_impl(size, static_cast<std::size_t>(alignment), false, SPINDLE_SIM_CALL_SITE);
}
void* operator new[](std::size_t size, std::align_val_t alignment) {
  return mem::new_impl(size, static_cast<std::size_t>(alignment), false, SPINDLE_SIM_CALL_SITE);
}
void* operator new(std::size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
  return mem::new_impl(size, static_cast<std::size_t>(alignment), true, SPINDLE_SIM_CALL_SITE);
}
void* operator new[](std::size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
  return mem::new_impl(size, static_cast<std::size_t>(alignment), true, SPINDLE_SIM_CALL_SITE);
}

// Every form frees with free(): aligned blocks come from posix_memalign (MEM.INV1).
void operator delete(void* p) noexcept { mem::delete_impl(p, SPINDLE_SIM_CALL_SITE); }
void operator delete[](void* p) noexcept { mem::delete_impl(p, SPINDLE_SIM_CALL_SITE); }
void operator delete(void* p, std::size_t) noexcept { mem::delete_impl(p, SPINDLE_SIM_CALL_SITE); }
void operator delete[](void* p, std::size_t) noexcept {
  mem::delete_impl(p, SPINDLE_SIM_CALL_SITE);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  mem::delete_impl(p, SPINDLE_SIM_CALL_SITE);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  mem::delete_impl(p, SPINDLE_SIM_CALL_SITE);
}
void operator delete(void* p, std::align_val_t) noexcept {
  mem::delete_impl(p, SPINDLE_SIM_CALL_SITE);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  mem::delete_impl(p, SPINDLE_SIM_CALL_SITE);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  mem::delete_impl(p, SPINDLE_SIM_CALL_SITE);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  mem::delete_impl(p, SPINDLE_SIM_CALL_SITE);
}
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  mem::delete_impl(p, SPINDLE_SIM_CALL_SITE);
}
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  mem::delete_impl(p, SPINDLE_SIM_CALL_SITE);
}
