// Unit tests of the case_source interface (fiber/chan/detail/case_source.hpp): a case kind
// that is not a channel — a one-shot event — plugs into select through the interface alone
// (docs/fiber.md, "Adding a case kind"), mixes with channel cases, and is cancelled (CH.SRC4)
// when another case wins or the deadline passes, so no node stays registered anywhere.
#include <chrono>
#include <cstdint>
#include <optional>
#include <utility>

#include <gtest/gtest.h>

#include <spindle/exec/manual_executor.hpp>
#include <spindle/fiber/chan/channel.hpp>
#include <spindle/fiber/chan/detail/case_source.hpp>
#include <spindle/fiber/chan/select.hpp>
#include <spindle/fiber/fiber.hpp>

namespace exec = spindle::exec;
namespace fiber = spindle::fiber;
namespace chan = spindle::fiber::chan;

namespace {

constexpr std::size_t not_yet = 99;

// A one-shot event a select can wait on: ready once set(); remembers at most one waiting
// select node (enough for these tests; a real source would keep a list).
class event final : public chan::detail::case_source {
 public:
  event() = default;
  ~event() { EXPECT_EQ(waiter_, nullptr) << "a select node left registered on the event"; }

  // Sets the event and completes the waiting case, if its select still wants it (CH.SRC3).
  void set() noexcept {
    chan::detail::parker* to_wake = nullptr;
    lock();
    is_set_ = true;
    if (chan::detail::case_node* node = std::exchange(waiter_, nullptr)) {
      if (node->owner->try_claim(node->index)) to_wake = node->owner;  // else: drop it untouched
    }
    unlock();
    if (to_wake != nullptr) to_wake->wake();  // our last touch of the select's frame
  }

  bool has_waiter() const noexcept {
    lock();
    const bool waiting = waiter_ != nullptr;
    unlock();
    return waiting;
  }

 private:
  bool try_complete_locked(chan::detail::case_op, chan::detail::case_node&,
                           chan::detail::parker*&) noexcept override {
    return is_set_;  // CH.SRC2: nothing to move, nobody to wake
  }
  void enqueue_locked(chan::detail::case_op, chan::detail::case_node& node) noexcept override {
    EXPECT_EQ(waiter_, nullptr) << "this test event holds one waiter";
    waiter_ = &node;
  }
  void cancel(chan::detail::case_node& node) noexcept override {
    lock();
    if (waiter_ == &node) waiter_ = nullptr;  // CH.SRC4
    unlock();
  }

  bool is_set_ = false;                        // guarded by lock_
  chan::detail::case_node* waiter_ = nullptr;  // guarded by lock_
};

// The case kind: waits on an event, then runs handler().
template <class F>
class event_case final : public chan::detail::select_case {
 public:
  event_case(event& e, F handler)
      : select_case(&e, chan::detail::case_op::recv, kind::waits), handler_(std::move(handler)) {}

  void finish() override { handler_(); }

 private:
  F handler_;
};

template <class F>
event_case<F> on(event& e, F handler) {
  return event_case<F>(e, std::move(handler));
}

TEST(CaseSource, AnEventAlreadySetIsReady) {
  event done;
  done.set();
  bool ran = false;
  const std::size_t which = chan::select(on(done, [&] { ran = true; }),
                                         chan::default_case([] { FAIL() << "default ran"; }));
  EXPECT_EQ(which, 0u);
  EXPECT_TRUE(ran);
}

TEST(CaseSource, ANotSetEventIsNotReady) {
  event done;
  const std::size_t which =
      chan::select(on(done, [] { FAIL() << "the event case ran"; }), chan::default_case());
  EXPECT_EQ(which, 1u);
  EXPECT_FALSE(done.has_waiter());
}

TEST(CaseSource, ASelectBlocksUntilTheEventIsSetAndLeavesNoWaiterInTheChannel) {
  exec::manual_executor manual;
  event done;
  chan::channel<int> numbers;
  std::size_t which = not_yet;
  fiber::go(manual, [&] {
    which = chan::select(chan::recv(numbers, [](std::optional<int>) { FAIL() << "nobody sent"; }),
                         on(done, [] {}));
  });
  manual.drain();
  EXPECT_EQ(which, not_yet);
  EXPECT_TRUE(done.has_waiter());
  done.set();
  manual.drain();
  EXPECT_EQ(which, 1u);
  EXPECT_FALSE(done.has_waiter());
  EXPECT_EQ(numbers.try_send(1), chan::send_status::full) << "the losing recv case still waits";
}

TEST(CaseSource, AChannelCaseWinsAndTheEventNodeIsCancelled) {
  exec::manual_executor manual;
  event done;
  chan::channel<int> numbers;
  std::size_t which = not_yet;
  std::optional<int> got;
  fiber::go(manual, [&] {
    which = chan::select(on(done, [] { FAIL() << "the event case ran"; }),
                         chan::recv(numbers, [&](std::optional<int> v) { got = v; }));
  });
  manual.drain();
  EXPECT_TRUE(done.has_waiter());
  EXPECT_EQ(numbers.try_send(7), chan::send_status::sent);
  manual.drain();
  EXPECT_EQ(which, 1u);
  EXPECT_EQ(got, std::optional<int>(7));
  EXPECT_FALSE(done.has_waiter()) << "step 6 cancels the losing event case (SRC4)";
  done.set();  // nobody waits: a later set completes nothing
}

TEST(CaseSource, TheEventRacingAChannelCompletesExactlyOneCase) {
  exec::manual_executor manual;
  event done;
  chan::channel<int> numbers(1);
  std::size_t which = not_yet;
  int handlers_run = 0;
  fiber::go(manual, [&] {
    which = chan::select(on(done, [&] { ++handlers_run; }),
                         chan::recv(numbers, [&](std::optional<int>) { ++handlers_run; }));
  });
  manual.drain();
  EXPECT_EQ(numbers.try_send(3), chan::send_status::sent);  // claims the select: recv wins
  done.set();  // loses CH.CLAIM1: drops the node untouched
  manual.drain();
  EXPECT_EQ(which, 1u);
  EXPECT_EQ(handlers_run, 1);
  EXPECT_FALSE(done.has_waiter());
}

TEST(CaseSource, ATimedOutSelectCancelsTheEventNode) {
  event done;
  const std::size_t which = chan::select_for(std::chrono::milliseconds(1),
                                             on(done, [] { FAIL() << "the event case ran"; }));
  EXPECT_EQ(which, chan::kTimedOut);
  EXPECT_FALSE(done.has_waiter());
}

}  // namespace
