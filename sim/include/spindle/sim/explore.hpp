// The simulator's entry point: run a test body under many schedules, deterministically.
//
//   #include <spindle/sim/explore.hpp>
//
//   sim::result r = sim::explore(sim::options{}, [] {
//     twist::atomic<int> n{0};
//     twist::thread a([&] { n.fetch_add(1); });
//     twist::thread b([&] { n.fetch_add(1); });
//     a.join(); b.join();
//     SPINDLE_VERIFY(n.load() == 2, "lost update");
//   });
//   if (!r) std::puts(r.report.c_str());   // trace + replay token
//
// Only in sim builds (SPINDLE_TWIST=sim). The body runs as simulated thread 0; twist threads it
// starts are simulated threads. With SPINDLE_SIM_REPLAY=<token> in the environment, the
// exploration whose name the token was made for runs that one schedule, with a full trace.
#pragma once

#include <functional>
#include <string_view>

#include <spindle/sim/options.hpp>
#include <spindle/sim/result.hpp>
#include <spindle/base/mode.hpp>

#if !SPINDLE_TWIST_MODE_SIM
#error "spindle/sim/explore.hpp needs a sim build (SPINDLE_TWIST=sim); see spindle/sim/model_check.hpp"
#endif

namespace spindle::sim {

// Explores schedules of `body` as the options say; stops at the first failure, shrinks it,
// replays it to check it reproduces, and returns it with a report.
result explore(const options& opts, const std::function<void()>& body);

// Runs the one schedule a token names (from a report), with a full trace in the report.
result replay(std::string_view token, const options& opts, const std::function<void()>& body);

}  // namespace spindle::sim
