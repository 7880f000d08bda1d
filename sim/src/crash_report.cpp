#include "crash_report.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "token.hpp"
#include "world.hpp"

namespace spindle::sim::detail {

namespace {

constexpr int kFatalSignals[] = {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL};
constexpr std::size_t kTailSteps = 20;

struct active_exploration {
  const options* opts = nullptr;
  world* w = nullptr;
  std::uint64_t run_seed = 0;
  std::terminate_handler previous_terminate = nullptr;
  struct sigaction previous[sizeof kFatalSignals / sizeof kFatalSignals[0]];
  bool reporting = false;
};

active_exploration* active = nullptr;  // the exploration of the OS thread that crashes

void report(const char* what) {
  if (active == nullptr || active->reporting || !in_simulation()) return;
  active->reporting = true;  // a crash while reporting must not loop
  world& w = *active->w;
  schedule s;
  s.name_hash = name_hash(active->opts->name);
  s.fault_mask = fault_mask(active->opts->faults);
  s.random_seed = active->run_seed;
  s.deviations = deviations_of(w.choices());
  std::fprintf(stderr,
               "\nspindle sim: %s in simulated thread T%u at step %llu\n"
               "  trace (last %zu entries):\n%s"
               "  the run so far replays with: SPINDLE_SIM_REPLAY=%s\n",
               what, w.current_thread_id(), static_cast<unsigned long long>(w.step_count()),
               kTailSteps, w.trace().format(kTailSteps).c_str(), encode(s).c_str());
  std::fflush(stderr);
}

void on_terminate() {
  report("std::terminate (an exception escaped a noexcept function, or similar)");
  std::terminate_handler previous = active != nullptr ? active->previous_terminate : nullptr;
  if (previous != nullptr) previous();
  std::abort();
}

void on_signal(int signal) {
  report(signal == SIGABRT ? "abort() (a failed assert()?)" : "a fatal signal");
  // Die the way the program would have: default action, signal raised again on return.
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

}  // namespace

crash_report_scope::crash_report_scope(const options& opts, world& w) {
  auto* state = new active_exploration;
  state->opts = &opts;
  state->w = &w;
  state->previous_terminate = std::set_terminate(&on_terminate);
  struct sigaction action {};
  action.sa_handler = &on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_ONSTACK;  // a simulated stack may be the one that overflowed
  for (std::size_t i = 0; i < sizeof kFatalSignals / sizeof kFatalSignals[0]; ++i) {
    sigaction(kFatalSignals[i], &action, &state->previous[i]);
  }
  active = state;
}

crash_report_scope::~crash_report_scope() {
  active_exploration* state = active;
  active = nullptr;
  std::set_terminate(state->previous_terminate);
  for (std::size_t i = 0; i < sizeof kFatalSignals / sizeof kFatalSignals[0]; ++i) {
    sigaction(kFatalSignals[i], &state->previous[i], nullptr);
  }
  delete state;
}

void crash_report_scope::set_run_seed(std::uint64_t seed) noexcept {
  if (active != nullptr) active->run_seed = seed;
}

}  // namespace spindle::sim::detail
