#include "crash_report.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "token.hpp"
#include "world.hpp"

namespace spindle::sim::detail {

namespace {

constexpr int kFatalSignals[] = {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL};
constexpr std::size_t kTailSteps = 20;
// The report formats strings (a few KiB of stack); 64 KiB leaves a wide margin.
constexpr std::size_t kAlternateStackSize = 64 * 1024;

struct active_exploration {
  const options* opts = nullptr;
  world* w = nullptr;
  std::uint64_t run_seed = 0;
  std::terminate_handler previous_terminate = nullptr;
  struct sigaction previous[sizeof kFatalSignals / sizeof kFatalSignals[0]];
  bool reporting = false;
  std::vector<char> alternate;  // the signal stack we installed, if the thread had none
  bool installed_alternate = false;
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

void on_signal(int signal, siginfo_t* info, void*) {
  const bool overflow = (signal == SIGSEGV || signal == SIGBUS) && info != nullptr &&
                        active != nullptr && in_simulation() &&
                        active->w->in_current_guard(info->si_addr);
  report(signal == SIGABRT ? "abort() (a failed assert()?)"
         : overflow        ? "stack overflow (raise options::stack_size)"
                           : "a fatal signal");
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
  // The handler needs a stack of its own: the simulated stack may be the one that overflowed.
  stack_t current{};
  sigaltstack(nullptr, &current);
  if ((current.ss_flags & SS_DISABLE) != 0) {
    state->alternate.resize(kAlternateStackSize);
    stack_t ours{};
    ours.ss_sp = state->alternate.data();
    ours.ss_size = state->alternate.size();
    if (sigaltstack(&ours, nullptr) == 0) state->installed_alternate = true;
  }
  struct sigaction action {};
  action.sa_sigaction = &on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_ONSTACK | SA_SIGINFO;
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
  if (state->installed_alternate) {
    stack_t off{};
    off.ss_flags = SS_DISABLE;
    sigaltstack(&off, nullptr);
  }
  delete state;
}

void crash_report_scope::set_run_seed(std::uint64_t seed) noexcept {
  if (active != nullptr) active->run_seed = seed;
}

}  // namespace spindle::sim::detail
