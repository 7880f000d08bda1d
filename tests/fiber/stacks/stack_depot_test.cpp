// Unit tests of the default stack allocator's process-wide depot (release_idle_stacks) and of
// fiber ids handed out in per-thread blocks (unique across threads).
#include <cstdint>
#include <mutex>
#include <set>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/exec/fast_pool.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/stack_allocator.hpp>
#include <spindle/fiber/sync/event.hpp>
#include <spindle/fiber/sync/wait_group.hpp>

namespace exec = spindle::exec;
namespace fiber = spindle::fiber;

namespace {

exec::pool_options two_workers() {
  exec::pool_options options;
  options.workers = 2;
  options.name = "depot";
  return options;
}

TEST(StackDepot, ReleaseIdleStacksGivesBackWhatABurstLeft) {
  constexpr int burst = 300;  // more than the per-thread caches hold: the rest go to the depot
  {
    exec::fast_pool pool(two_workers());
    fiber::sync::event go_on;
    fiber::sync::wait_group done;
    done.add(burst);
    for (int i = 0; i < burst; ++i) {
      fiber::go(pool, [&] {
        go_on.wait();  // all `burst` stacks are live at once
        done.done();
      });
    }
    go_on.fire();
    done.wait();
  }  // the workers' caches are unmapped with their threads
  const std::size_t released = fiber::release_idle_stacks();
  EXPECT_GT(released, 0u);
  EXPECT_EQ(fiber::release_idle_stacks(), 0u);  // nothing left idle
  // Spawning still works afterwards (stacks are mapped again).
  exec::fast_pool pool(two_workers());
  fiber::sync::wait_group done;
  done.add(1);
  fiber::go(pool, [&] { done.done(); });
  done.wait();
}

TEST(FiberIds, UniqueAcrossThreadsThatSpawnConcurrently) {
  constexpr int spawners = 4;
  constexpr int per_spawner = 3000;  // several id blocks per thread
  exec::fast_pool pool(two_workers());
  std::mutex mu;
  std::set<std::uint64_t> seen;
  std::vector<std::uint64_t> ids;
  fiber::sync::wait_group done;
  done.add(spawners * per_spawner);
  for (int s = 0; s < spawners; ++s) {
    fiber::go(pool, [&] {
      for (int i = 0; i < per_spawner; ++i) {
        fiber::go(pool, [&] {
          const std::uint64_t id = fiber::this_fiber::id();
          {
            std::lock_guard guard(mu);
            ids.push_back(id);
          }
          done.done();
        });
      }
    });
  }
  done.wait();
  for (std::uint64_t id : ids) {
    EXPECT_GT(id, 0u);
    EXPECT_TRUE(seen.insert(id).second) << "id " << id << " handed out twice";
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(spawners * per_spawner));
}

}  // namespace
