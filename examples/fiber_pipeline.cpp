// A parallel pipeline of fibers on a work-stealing pool, connected by channels:
//
//   numbers ──► [4 worker fibers: Collatz steps] ──► results ──► collector (select)
//                                                                   ▲
//   ticker fiber (sleeps, then sends "tick") ─────── ticks ─────────┘
//
// The generator closes `numbers` when done; each worker exits when `numbers` is closed and
// drained; the last worker out closes `results`. The collector selects over results and
// ticks until results is closed, so it reports progress while the pipeline runs. Blocking on a
// channel suspends the fiber: two OS threads carry all of it.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>

#include <spindle/exec/fast_pool.hpp>
#include <spindle/fiber/chan/channel.hpp>
#include <spindle/fiber/chan/select.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/sync/event.hpp>
#include <spindle/fiber/sync/wait_group.hpp>
#include <spindle/fiber/timer_service.hpp>
#include <spindle/twist/atomic.hpp>

namespace exec = spindle::exec;
namespace fiber = spindle::fiber;
namespace chan = spindle::fiber::chan;

namespace {

constexpr std::uint64_t kNumbers = 200'000;
constexpr int kWorkers = 4;

struct result {
  std::uint64_t number;
  std::uint32_t steps;  // Collatz steps to reach 1
};

std::uint32_t collatz_steps(std::uint64_t n) {
  std::uint32_t steps = 0;
  while (n != 1) {
    n = (n % 2 == 0) ? n / 2 : 3 * n + 1;
    ++steps;
  }
  return steps;
}

}  // namespace

int main() {
  exec::pool_options pool_options;
  pool_options.workers = 2;
  pool_options.name = "pipeline";
  exec::fast_pool pool(pool_options);
  fiber::timer_service timers;
  fiber::options opts;
  opts.timers = &timers;

  chan::channel<std::uint64_t> numbers(64);
  chan::channel<result> results(64);
  chan::channel<int> ticks(1);
  spindle::twist::atomic<int> workers_left{kWorkers};
  fiber::sync::event collector_done;
  fiber::sync::wait_group fibers;
  fibers.add(2 + kWorkers);

  fiber::go(pool, [&] {  // the generator
    for (std::uint64_t n = 1; n <= kNumbers; ++n) numbers.send(n);
    numbers.close();
    fibers.done();
  }, opts);

  for (int w = 0; w < kWorkers; ++w) {
    fiber::go(pool, [&] {
      while (std::optional<std::uint64_t> n = numbers.recv()) {
        results.send(result{*n, collatz_steps(*n)});
      }
      // acq_rel: the last worker out sees every other worker's sends before closing.
      if (workers_left.fetch_sub(1, std::memory_order_acq_rel) == 1) results.close();
      fibers.done();
    }, opts);
  }

  fiber::go(pool, [&] {  // the ticker: progress reports while the pipeline runs
    int sent = 0;
    while (!collector_done.is_fired()) {
      fiber::sleep_for(std::chrono::milliseconds(20));
      ticks.try_send(++sent);  // a tick nobody took yet is simply skipped
    }
    fibers.done();
  }, opts);

  result longest{0, 0};
  std::uint64_t received = 0;
  std::uint64_t total_steps = 0;
  int progress_lines = 0;
  fiber::go(pool, [&] {  // the collector
    bool open = true;
    while (open) {
      chan::select(
          chan::recv(results,
                     [&](std::optional<result> r) {
                       if (!r) {
                         open = false;
                         return;
                       }
                       ++received;
                       total_steps += r->steps;
                       if (r->steps > longest.steps) longest = *r;
                     }),
          chan::recv(ticks, [&](std::optional<int>) {
            if (progress_lines++ < 3) {
              std::printf("  ... %llu of %llu results so far\n",
                          static_cast<unsigned long long>(received),
                          static_cast<unsigned long long>(kNumbers));
            }
          }));
    }
    collector_done.fire();
  }, opts);

  collector_done.wait();  // the main thread blocks on the event (a plain thread waiter)
  fibers.wait();
  std::printf("pipeline: %llu numbers through %d worker fibers on 2 threads\n",
              static_cast<unsigned long long>(received), kWorkers);
  std::printf("  longest Collatz chain below %llu: %llu (%u steps); mean %.1f steps\n",
              static_cast<unsigned long long>(kNumbers + 1),
              static_cast<unsigned long long>(longest.number), longest.steps,
              static_cast<double>(total_steps) / static_cast<double>(received));
  timers.stop();
  pool.stop();
  return received == kNumbers ? 0 : 1;
}
