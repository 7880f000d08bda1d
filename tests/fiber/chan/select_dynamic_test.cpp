// Unit tests of the select features beyond the variadic core: cases switched off through a
// null channel pointer (Go's nil channel) and selects over a run-time list of cases.
#include <array>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <spindle/exec/fast_pool.hpp>
#include <spindle/fiber/chan/channel.hpp>
#include <spindle/fiber/chan/select.hpp>
#include <spindle/fiber/fiber.hpp>
#include <spindle/fiber/sync/wait_group.hpp>

namespace exec = spindle::exec;
namespace fiber = spindle::fiber;
namespace chan = spindle::fiber::chan;

namespace {

exec::pool_options two_workers() {
  exec::pool_options options;
  options.workers = 2;
  return options;
}

auto keep(std::optional<int>& into) {
  return [&into](std::optional<int> v) { into = v; };
}

TEST(SelectOff, ANullChannelCaseIsNeverReady) {
  chan::channel<int> ready(1);
  ASSERT_EQ(ready.send(7), chan::send_status::sent);
  chan::channel<int>* off = nullptr;
  std::optional<int> got;
  for (int i = 0; i < 50; ++i) {  // the off case would win about half of these if it counted
    ASSERT_EQ(ready.try_send(7), i == 0 ? chan::send_status::full : chan::send_status::sent);
    const std::size_t which =
        chan::select(chan::recv(off, [](std::optional<int>) { FAIL() << "an off case ran"; }),
                     chan::recv(ready, keep(got)));
    EXPECT_EQ(which, 1u);
    EXPECT_EQ(got, std::optional<int>(7));
  }
}

TEST(SelectOff, OffCasesWithADefaultRunTheDefault) {
  chan::channel<int>* off = nullptr;
  bool ran = false;
  const std::size_t which = chan::select(chan::send(off, 1), chan::recv(off, [](std::optional<int>) {}),
                                         chan::default_case([&] { ran = true; }));
  EXPECT_EQ(which, 2u);
  EXPECT_TRUE(ran);
}

TEST(SelectOff, AnOffSendCaseDropsItsValueAndLeavesNothingQueued) {
  chan::channel<int> ch;  // unbuffered
  chan::channel<int>* off = nullptr;
  const std::size_t which = chan::select(chan::send(off, 5), chan::default_case());
  EXPECT_EQ(which, 1u);
  EXPECT_EQ(ch.try_recv().status, chan::recv_status::empty);
}

TEST(SelectOffDeathTest, EveryCaseOffAndNoDefaultStops) {
  chan::channel<int>* off = nullptr;
  EXPECT_DEATH(chan::select(chan::recv(off, [](std::optional<int>) {})),
               "every case is off");
}

TEST(SelectOff, ABlockedSelectIgnoresItsOffCaseAndCompletesTheOther) {
  exec::fast_pool pool(two_workers());
  chan::channel<int> ch;
  chan::channel<int>* off = nullptr;
  std::optional<int> got;
  std::size_t which = 99;
  fiber::sync::wait_group done;
  done.add(1);
  fiber::go(pool, [&] {
    which = chan::select(chan::recv(off, [](std::optional<int>) { FAIL() << "an off case ran"; }),
                         chan::recv(ch, keep(got)));
    done.done();
  });
  ASSERT_EQ(ch.send(3), chan::send_status::sent);
  done.wait();
  EXPECT_EQ(which, 1u);
  EXPECT_EQ(got, std::optional<int>(3));
}

// ---- run-time case lists ------------------------------------------------------------------

using recv_int = chan::recv_case<int, std::function<void(std::optional<int>)>>;

TEST(SelectDynamic, ReturnsThePositionOfTheReadyCase) {
  constexpr std::size_t n = 5;
  std::vector<std::unique_ptr<chan::channel<int>>> channels;
  for (std::size_t i = 0; i < n; ++i) channels.push_back(std::make_unique<chan::channel<int>>(1));
  ASSERT_EQ(channels[3]->send(33), chan::send_status::sent);
  std::optional<int> got;
  std::deque<recv_int> cases;  // cases do not move: a deque builds them in place
  for (std::size_t i = 0; i < n; ++i) {
    cases.emplace_back(channels[i].get(), keep(got));
  }
  std::vector<chan::select_case*> list;
  for (recv_int& c : cases) list.push_back(&c);
  EXPECT_EQ(chan::select(list), 3u);
  EXPECT_EQ(got, std::optional<int>(33));
}

TEST(SelectDynamic, ManyCasesAllocateScratchAndStayUniform) {
  // More cases than kInlineCases: the managed path. Every channel holds a value; each index
  // should win about equally often.
  constexpr std::size_t n = chan::kInlineCases + 4;
  constexpr int rounds = 4000;
  std::vector<std::unique_ptr<chan::channel<int>>> channels;
  for (std::size_t i = 0; i < n; ++i) channels.push_back(std::make_unique<chan::channel<int>>(1));
  std::vector<int> wins(n, 0);
  std::optional<int> got;
  std::deque<recv_int> cases;  // cases do not move: a deque builds them in place
  for (std::size_t i = 0; i < n; ++i) {
    cases.emplace_back(channels[i].get(), keep(got));
  }
  std::vector<chan::select_case*> list;
  for (recv_int& c : cases) list.push_back(&c);
  for (int r = 0; r < rounds; ++r) {
    for (auto& ch : channels) (void)ch->try_send(1);  // refill the one taken last round
    const std::size_t which = chan::select(list);
    ASSERT_LT(which, n);
    ++wins[which];
  }
  // Expected rounds / n = 200 per case; a binomial's 6-sigma band is about +-84.
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_GT(wins[i], 110) << "case " << i;
    EXPECT_LT(wins[i], 290) << "case " << i;
  }
}

TEST(SelectDynamic, ScratchOverloadMixesSendRecvOffAndDefault) {
  chan::channel<int> in(1);
  chan::channel<int> out(1);
  chan::channel<int>* off = nullptr;
  ASSERT_EQ(out.send(0), chan::send_status::sent);  // out is full: the send case is not ready
  std::optional<int> got;
  auto r = chan::recv(in, keep(got));
  auto s = chan::send(out, 1);
  auto o = chan::recv(off, [](std::optional<int>) {});
  bool defaulted = false;
  auto d = chan::default_case([&] { defaulted = true; });
  std::array<chan::select_case*, 4> list{&r, &s, &o, &d};
  std::array<chan::select_case*, 4> poll{};
  std::array<chan::select_case*, 4> lock_order{};
  EXPECT_EQ(chan::select(list, poll, lock_order), 3u);  // nothing ready: the default
  EXPECT_TRUE(defaulted);
  ASSERT_EQ(in.send(9), chan::send_status::sent);
  EXPECT_EQ(chan::select(list, poll, lock_order), 0u);
  EXPECT_EQ(got, std::optional<int>(9));
}

TEST(SelectDynamic, BlocksUntilOneOfARunTimeSetCompletes) {
  exec::fast_pool pool(two_workers());
  constexpr std::size_t n = 8;
  std::vector<std::unique_ptr<chan::channel<int>>> channels;
  for (std::size_t i = 0; i < n; ++i) channels.push_back(std::make_unique<chan::channel<int>>());
  std::optional<int> got;
  std::size_t which = 99;
  fiber::sync::wait_group done;
  done.add(1);
  fiber::go(pool, [&] {
    std::deque<recv_int> cases;
    for (std::size_t i = 0; i < n; ++i) {
      cases.emplace_back(channels[i].get(), keep(got));
    }
    std::vector<chan::select_case*> list;
    for (recv_int& c : cases) list.push_back(&c);
    which = chan::select(list);
    done.done();
  });
  ASSERT_EQ(channels[6]->send(66), chan::send_status::sent);  // rendezvous with the select
  done.wait();
  EXPECT_EQ(which, 6u);
  EXPECT_EQ(got, std::optional<int>(66));
  for (auto& ch : channels) EXPECT_EQ(ch->try_send(1), chan::send_status::full);  // no waiter left
}

TEST(SelectDynamicDeathTest, TwoDefaultsStop) {
  auto d1 = chan::default_case();
  auto d2 = chan::default_case();
  std::array<chan::select_case*, 2> list{&d1, &d2};
  EXPECT_DEATH(chan::select(list), "at most one default case");
}

TEST(SelectDynamicDeathTest, ANullCasePointerStops) {
  std::array<chan::select_case*, 1> list{nullptr};
  EXPECT_DEATH(chan::select(list), "a null case pointer");
}

TEST(SelectDynamicDeathTest, ScratchTooSmallStops) {
  auto d = chan::default_case();
  std::array<chan::select_case*, 1> list{&d};
  std::array<chan::select_case*, 0> none{};
  EXPECT_DEATH(chan::select(list, none, none), "scratch spans are smaller");
}

}  // namespace
