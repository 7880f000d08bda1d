// Stress test of strands over the fast pool: many producers submit to a few strands; tasks of
// one strand never overlap, and each producer's tasks on a strand run in its submission order.
#include <cstddef>
#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/exec/strand.hpp>

#include "exec_test_support.hpp"
#include "stress.hpp"

namespace exec = spindle::exec;
namespace twist = spindle::twist;
namespace test = spindle::test;

namespace {

struct strand_state {
  explicit strand_state(exec::executor& pool, std::size_t producers)
      : serial(pool), next_seq(producers, 0) {}
  exec::strand serial;
  twist::atomic<bool> inside{false};
  std::size_t overlaps = 0;        // guarded by the strand itself
  std::size_t out_of_order = 0;    // guarded by the strand itself
  std::size_t ran = 0;             // guarded by the strand itself
  std::vector<std::size_t> next_seq;  // per producer; guarded by the strand itself
};

}  // namespace

TEST(StrandStress, SerializesAndKeepsEachProducersOrder) {
  const std::size_t producers = test::stress_threads(3);
  constexpr std::size_t kStrands = 3;
  constexpr std::size_t kPerProducer = 600;
  exec::pool_options options;
  options.workers = 3;
  exec::fast_pool pool(options);
  test::repeat_within_budget(50, [&](std::size_t) {
    if (testing::Test::HasFailure()) return;
    std::vector<std::unique_ptr<strand_state>> strands;
    for (std::size_t s = 0; s < kStrands; ++s) {
      strands.push_back(std::make_unique<strand_state>(pool, producers));
    }
    std::vector<twist::thread> threads;
    for (std::size_t p = 0; p < producers; ++p) {
      threads.emplace_back([&, p] {
        std::vector<std::size_t> seq(kStrands, 0);
        for (std::size_t i = 0; i < kPerProducer; ++i) {
          const std::size_t s = (i * 7 + p) % kStrands;
          strand_state& st = *strands[s];
          const std::size_t my_seq = seq[s]++;
          exec::submit(st.serial, [&st, p, my_seq] {
            if (st.inside.exchange(true)) ++st.overlaps;
            ++st.ran;
            if (st.next_seq[p] != my_seq) ++st.out_of_order;
            st.next_seq[p] = my_seq + 1;
            st.inside.store(false);
          });
        }
      });
    }
    for (auto& t : threads) t.join();
    pool.wait_idle();
    std::size_t total = 0;
    for (auto& st : strands) {
      EXPECT_EQ(st->overlaps, 0u) << "two tasks of one strand ran at once";
      EXPECT_EQ(st->out_of_order, 0u) << "a producer's tasks ran out of order";
      total += st->ran;
    }
    EXPECT_EQ(total, producers * kPerProducer);
  });
}
