// The driver the sim_* examples share: each plants one bug in a small primitive written against
// the twist facade, and shows the simulator's three jobs on it.
//
//   1. Find: a random-walk exploration of the broken version fails, and prints the report
//      (what failed, the trace, the replay token).
//   2. Replay: sim::replay runs the token's one schedule and must end in the same failure.
//   3. Prove the fix: bounded depth-first search (every schedule with at most two preemptions
//      and one injected fault) runs the corrected version and must find nothing. Its budget is
//      the dfs default (20 s) or SPINDLE_SIM_SECONDS.
//
// A program exits 0 only when all three came out as expected, so scripts/demo fails if the
// simulator ever stops finding a planted bug.
#pragma once

#include <cstdio>
#include <functional>
#include <string>

#include <spindle/sim/explore.hpp>

namespace spindle::examples {

struct planted_bug {
  std::string name;                   // names the explorations (a replay token carries it)
  sim::outcome expected;              // what the simulator must report on the broken version
  std::function<void()> broken;
  std::function<void()> fixed;
};

// Runs the three steps above on `demo`, printing each; 0 if the bug was found, replayed and the
// fix passed, 1 otherwise.
inline int run_demo(const planted_bug& demo) {
  sim::options find;
  find.name = demo.name + ".broken";
  find.progress = false;
  const sim::result found = sim::explore(find, demo.broken);
  if (found.ok()) {
    std::printf("NOT FOUND: %zu schedules passed (%s)\n", found.runs, found.summary.c_str());
    return 1;
  }
  std::printf("found a %s after %zu schedules in %.3f s:\n%s", sim::to_string(found.outcome),
              found.runs, found.seconds, found.report.c_str());
  if (found.outcome != demo.expected) {
    std::printf("UNEXPECTED: the planted bug is a %s\n", sim::to_string(demo.expected));
    return 1;
  }

  const sim::result again = sim::replay(found.token, find, demo.broken);
  if (again.outcome != found.outcome) {
    std::printf("REPLAY DIFFERS: the token's schedule ended in %s\n%s",
                sim::to_string(again.outcome), again.report.c_str());
    return 1;
  }
  std::printf("replay of the token: %s again, in %zu steps (the same failure reproduced)\n",
              sim::to_string(again.outcome), again.steps);

  sim::options prove;
  prove.name = demo.name + ".fixed";
  prove.strategy = sim::strategy::dfs;
  prove.preemption_bound = 2;
  prove.progress = true;  // a line on stderr now and then if the search takes long
  const sim::result fixed = sim::explore(prove, demo.fixed);
  if (!fixed.ok()) {
    std::printf("THE FIX FAILS:\n%s", fixed.report.c_str());
    return 1;
  }
  std::printf("fixed version passed bounded DFS (preemption bound %d): %zu schedules run, %zu "
              "pruned as equivalent, space %s, %.2f s\n  %s\n",
              prove.preemption_bound, fixed.runs, fixed.pruned,
              fixed.exhausted ? "exhausted" : "NOT exhausted (budget ran out first)",
              fixed.seconds, fixed.summary.c_str());
  return 0;
}

}  // namespace spindle::examples
