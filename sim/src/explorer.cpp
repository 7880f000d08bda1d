// sim::explore and sim::replay: runs schedules until a failure or the budget, then shrinks the
// failure, replays it with a full trace to check it reproduces, and writes the report.
#include <spindle/sim/explore.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>

#include <spindle/base/config.hpp>

#include "crash_report.hpp"
#include "shrink.hpp"
#include "strategy.hpp"
#include "token.hpp"
#include "world.hpp"

namespace spindle::sim {

const char* to_string(outcome value) noexcept {
  switch (value) {
    case outcome::ok: return "ok";
    case outcome::assertion_failed: return "assertion failed";
    case outcome::uncaught_exception: return "uncaught exception";
    case outcome::deadlock: return "deadlock";
    case outcome::livelock: return "livelock";
    case outcome::memory_leak: return "memory leak";
    case outcome::double_free: return "double free";
    case outcome::use_after_free: return "use after free";
    case outcome::data_race: return "data race";
    case outcome::nondeterminism: return "nondeterminism";
    case outcome::bad_token: return "bad replay token";
  }
  return "?";
}

namespace detail {
namespace {

using clock = std::chrono::steady_clock;

constexpr std::uint64_t kDefaultSeed = 0x5eed5eed;
constexpr std::size_t kTraceTail = 40;         // steps shown unless SPINDLE_SIM_TRACE=full
constexpr unsigned char kCheckStackFill = 0xa5;

const char* env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : nullptr;
}

// The explorations of one OS thread share one world, so stacks are mapped once.
world& this_thread_world() {
  thread_local std::unique_ptr<world> instance;
  if (!instance) instance = std::make_unique<world>();
  return *instance;
}

// The command line of this process, to print a replay command a user can paste.
std::string command_line() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  std::string text;
  std::string arg;
  while (std::getline(in, arg, '\0')) {
    if (!text.empty()) text += ' ';
    text += arg;
  }
  return text.empty() ? "<your test command>" : text;
}

options resolve(const options& given) {
  options opts = given;
  if (opts.seed == 0) {
    const char* seed = env("SPINDLE_SIM_SEED");
    opts.seed = seed != nullptr ? std::strtoull(seed, nullptr, 0) : kDefaultSeed;
  }
  if (opts.time_budget.count() == 0) {
    const char* seconds = env("SPINDLE_SIM_SECONDS");
    const double s = seconds != nullptr ? std::strtod(seconds, nullptr)
                                        : info_of(opts.strategy).default_seconds;
    opts.time_budget = std::chrono::milliseconds(static_cast<long long>(s * 1000));
  }
  if (opts.max_runs == 0) opts.max_runs = info_of(opts.strategy).default_max_runs;
  return opts;
}

run_config config_for(const options& opts) {
  run_config config;
  config.faults = opts.faults;
  config.detect = opts.detect;
  config.max_steps = opts.max_steps;
  config.stack_size = opts.stack_size;
  return config;
}

// Installs the SPINDLE_ASSERT hook for the exploration's lifetime.
class assertion_hook_scope {
 public:
  assertion_hook_scope() noexcept : saved_(spindle::detail::assertion_hook) {
    spindle::detail::assertion_hook = [](const char* text) noexcept {
      if (in_simulation()) fail_assertion(text);
    };
  }
  ~assertion_hook_scope() { spindle::detail::assertion_hook = saved_; }
  assertion_hook_scope(const assertion_hook_scope&) = delete;
  assertion_hook_scope& operator=(const assertion_hook_scope&) = delete;

 private:
  void (*saved_)(const char*) noexcept;
};

// One line on stderr now and then for long explorations: updated in place on a terminal,
// every few seconds as separate lines in a log.
class progress_line {
 public:
  explicit progress_line(bool enabled) : enabled_(enabled), tty_(isatty(2) != 0) {}
  ~progress_line() {
    if (shown_ && tty_) std::fputs("\n", stderr);
  }
  progress_line(const progress_line&) = delete;
  progress_line& operator=(const progress_line&) = delete;

  void update(clock::time_point start, std::size_t runs, std::size_t steps, const char* what) {
    if (!enabled_) return;
    const auto now = clock::now();
    const double elapsed = std::chrono::duration<double>(now - start).count();
    if (elapsed < 2.0 || now < next_) return;
    next_ = now + (tty_ ? std::chrono::milliseconds(500) : std::chrono::milliseconds(5000));
    std::fprintf(stderr, "%sspindle sim: %s: %zu schedules, %.0f/s, %.1f M steps, %.1f s%s",
                 tty_ ? "\r" : "", what, runs, static_cast<double>(runs) / elapsed, static_cast<double>(steps) / 1e6, elapsed,
                 tty_ ? "   " : "\n");
    shown_ = true;
  }

 private:
  bool enabled_;
  bool tty_;
  bool shown_ = false;
  clock::time_point next_{};
};

// Replays `deviations` with a full trace and writes the failure report into `r`.
void report_failure(world& w, const options& opts, const run_config& base, std::uint64_t seed,
                    const std::function<void()>& body, const run_outcome& found,
                    std::vector<deviation> deviations, const shrink_stats* shrunk,
                    const std::string& found_by, result& r) {
  run_config config = base;
  config.random_seed = seed;
  config.keep_full_trace = true;
  replay_chooser chooser{deviations};
  const run_outcome replayed = w.run(config, body, chooser);
  const bool reproduced = replayed.outcome == found.outcome;

  schedule s;
  s.name_hash = name_hash(opts.name);
  s.fault_mask = fault_mask(opts.faults);
  s.random_seed = seed;
  s.deviations = std::move(deviations);
  r.outcome = found.outcome;
  r.token = encode(s);

  const run_outcome& shown = reproduced ? replayed : found;
  std::string text = std::string("spindle sim: ") + sim::to_string(found.outcome) + "\n  " +
                     shown.message + "\n";
  text += "  found by " + found_by + "\n";
  if (shrunk != nullptr) {
    text += "  schedule: " + std::to_string(shrunk->after) +
            " deviations from the default schedule (shrunk from " + std::to_string(shrunk->before) +
            " in " + std::to_string(shrunk->attempts) + " replays)\n";
  } else {
    text += "  schedule: " + std::to_string(s.deviations.size()) +
            " deviations from the default schedule\n";
  }
  if (env("SPINDLE_SIM_DEBUG") != nullptr) {
    for (const deviation& d : s.deviations) {
      text += "  deviation: T" + std::to_string(d.thread) + " decision " +
              std::to_string(d.decision) + " -> " + std::to_string(d.value) + "\n";
    }
  }
  const bool full = env("SPINDLE_SIM_TRACE") != nullptr;
  const trace_log& trace = w.trace();
  if (reproduced) {
    const std::size_t shown_steps = full ? 0 : kTraceTail;
    text += "  trace (" +
            (full || trace.size() <= kTraceTail ? std::string("all ") + std::to_string(trace.size()) + " entries"
                                                : "last " + std::to_string(kTraceTail) + " of " +
                                                      std::to_string(trace.size()) +
                                                      " entries; SPINDLE_SIM_TRACE=full for all") +
            "):\n      step  thread op           loc  order    value          where\n";
    text += trace.format(shown_steps);
  } else {
    text += "  NOT REPRODUCED on replay (the replay ended in: " +
            std::string(sim::to_string(replayed.outcome)) +
            "): the program has nondeterminism the simulator does not control (real time, real "
            "threads, addresses, uninitialised memory)\n";
  }
  text += "  replay: SPINDLE_SIM_REPLAY=" + r.token + " " + command_line() + "\n";
  r.report = std::move(text);
}

}  // namespace

}  // namespace detail

result explore(const options& given, const std::function<void()>& body) {
  using namespace detail;
  if (in_simulation()) {
    std::fprintf(stderr, "spindle sim: sim::explore called from inside a simulation\n");
    std::abort();
  }
  const options opts = resolve(given);
  if (const char* token = env("SPINDLE_SIM_REPLAY")) {
    schedule s;
    std::string error;
    if (!decode(token, s, error)) {
      result r;
      r.outcome = outcome::bad_token;
      r.report = "spindle sim: SPINDLE_SIM_REPLAY: " + error + "\n";
      return r;
    }
    if (s.name_hash == name_hash(opts.name)) return replay(token, opts, body);
  }

  assertion_hook_scope hook;
  world& w = this_thread_world();
  crash_report_scope crashes{opts, w};
  const run_config base = config_for(opts);
  std::unique_ptr<schedule_strategy> strat = make_strategy(opts, opts.seed, w);
  const char* const strategy_name = info_of(opts.strategy).name;
  exploration_stats stats;
  result r;
  progress_line progress{opts.progress};
  const auto start = clock::now();
  const auto deadline = start + opts.time_budget;
  std::vector<deviation> deviations;

  for (std::size_t index = 0;; ++index) {
    if (opts.max_runs != 0 && index >= opts.max_runs) break;
    if (index > 0 && clock::now() >= deadline) break;
    if (!strat->begin_run(index)) break;
    run_config config = base;
    config.random_seed = strat->run_seed();
    crashes.set_run_seed(config.random_seed);
    const run_outcome outcome = w.run(config, body, *strat);
    strat->end_run(outcome);
    ++stats.runs;
    r.steps += outcome.steps;
    stats.max_threads = std::max(stats.max_threads, outcome.threads);
    stats.longest_run = std::max<std::size_t>(stats.longest_run, outcome.steps);
    progress.update(start, stats.runs, r.steps, strategy_name);
    if (outcome.pruned) continue;

    if (outcome.outcome != outcome::ok) {
      const std::string found_by = strat->summary(stats) + ", in run " + std::to_string(index + 1);
      deviations = deviations_of(w.choices());
      shrink_stats shrunk;
      const bool shrinking = opts.shrink && !deviations.empty();
      if (shrinking) {
        run_config config_to_shrink = base;
        config_to_shrink.random_seed = config.random_seed;
        deviations = shrink(w, config_to_shrink, body, std::move(deviations), outcome.outcome,
                            clock::now() + std::chrono::seconds(5), shrunk);
      }
      report_failure(w, opts, base, config.random_seed, body, outcome, std::move(deviations),
                     shrinking ? &shrunk : nullptr, found_by, r);
      break;
    }

    if (index == 0 && opts.check_determinism) {
      // The same schedule again, on stacks filled with other bytes: any difference in what the
      // run observed is nondeterminism the simulator does not control.
      deviations = deviations_of(w.choices());
      const std::uint64_t digest = outcome.digest;
      run_config again = config;
      again.stack_fill = kCheckStackFill;
      replay_chooser chooser{deviations};
      const run_outcome second = w.run(again, body, chooser);
      if (second.digest != digest || second.outcome != outcome.outcome) {
        r.outcome = outcome::nondeterminism;
        r.report =
            "spindle sim: nondeterminism: the same schedule ran twice and observed different "
            "things (" +
            std::string(sim::to_string(second.outcome)) +
            " the second time). Something in the program is not under the simulator's control: "
            "the real clock, real threads or OS calls, behaviour that depends on addresses, or "
            "uninitialised memory (the second run had its stacks filled with other bytes).\n";
        if (second.outcome != outcome::ok) r.report += "  second run: " + second.message + "\n";
        break;
      }
    }
  }
  r.runs = stats.runs;
  r.pruned = strat->pruned();
  r.exhausted = strat->exhausted();
  r.max_threads = stats.max_threads;
  r.longest_run = stats.longest_run;
  r.seconds = std::chrono::duration<double>(clock::now() - start).count();
  r.summary = strat->summary(stats);
  return r;
}

result replay(std::string_view token, const options& given, const std::function<void()>& body) {
  using namespace detail;
  const options opts = resolve(given);
  schedule s;
  std::string error;
  result r;
  if (!decode(token, s, error)) {
    r.outcome = outcome::bad_token;
    r.report = "spindle sim: bad replay token: " + error + "\n";
    return r;
  }
  assertion_hook_scope hook;
  world& w = this_thread_world();
  crash_report_scope crashes{opts, w};
  run_config config = config_for(opts);
  if (s.fault_mask != fault_mask(opts.faults)) {
    std::fprintf(stderr,
                 "spindle sim: warning: the replay token was made with other fault options than "
                 "this exploration has; the replay may differ\n");
  }
  const auto start = clock::now();
  config.random_seed = s.random_seed;
  config.keep_full_trace = true;
  crashes.set_run_seed(s.random_seed);
  replay_chooser chooser{s.deviations};
  const run_outcome outcome = w.run(config, body, chooser);
  r.runs = 1;
  r.steps = outcome.steps;
  r.max_threads = outcome.threads;
  r.longest_run = outcome.steps;
  r.seconds = std::chrono::duration<double>(clock::now() - start).count();
  r.token = std::string(token);
  r.summary = "replay of " + std::string(token);
  r.outcome = outcome.outcome;
  std::string text = std::string("spindle sim: replay of ") + std::string(token) + ": " +
                     sim::to_string(outcome.outcome) + "\n";
  if (outcome.outcome != outcome::ok) text += "  " + outcome.message + "\n";
  if (chooser.diverged()) {
    text += "  warning: the run diverged from the token (a recorded thread could not run): the "
            "program or its options changed since the token was made\n";
  }
  text += "  trace (all " + std::to_string(w.trace().size()) + " entries):\n";
  text += w.trace().format(0);
  r.report = std::move(text);
  return r;
}

}  // namespace spindle::sim
