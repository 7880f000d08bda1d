// select: wait on several channel operations at once and complete exactly one of them, like
// Go's select statement. Works from fibers (they suspend) and from plain threads (they park).
//
//   fiber::chan::channel<int> numbers(8);
//   fiber::chan::channel<std::string> names;
//   fiber::chan::channel<int> results(1);
//   std::size_t which = fiber::chan::select(
//       fiber::chan::recv(numbers, [](std::optional<int> n) { /* n empty: numbers closed */ }),
//       fiber::chan::recv(names, [](std::optional<std::string> s) { ... }),
//       fiber::chan::send(results, 42, [](fiber::chan::send_status s) { /* sent or closed */ }),
//       fiber::chan::default_case([] { /* nothing was ready */ }));
//   // `which` is the position of the case that completed (0..3), its handler has run.
//
// Semantics (Go's, with errors as results):
//   - A case is ready when its operation would not block: a recv whose channel has a value or
//     a waiting sender, or is closed (the handler then gets an empty optional); a send whose
//     channel has a waiting receiver or room, or is closed (the handler gets `closed`).
//   - If several are ready, one is chosen uniformly at random (twist::random: the simulator
//     controls and replays it). If none is, the default case runs if there is one; otherwise
//     select blocks until one case completes — exactly one.
//   - The handler of the completed case runs after select has let go of every channel, so it
//     may use the same channels (or select again). Send handlers may take a send_status or
//     nothing; send and default_case may omit the handler. A send case that does not complete
//     drops its value (the case object owns it).
//   - The same channel may appear in several cases; a channel may close during the select.
//   - A case built on a null channel pointer (chan::recv(ptr, h) / chan::send(ptr, v, h) with
//     ptr == nullptr) is never ready, like a case on a nil channel in Go: the way to switch a
//     case off without changing the select's shape. A select whose every case is off and
//     which has no default would block forever: it stops the program with a message instead.
//   - Run-time case lists: chan::select(std::span<chan::select_case* const>) takes the cases
//     as pointers (any mix of recv, send and at most one default case) and returns the
//     position of the completed one in the span.
//   - Timed: chan::select_until(deadline, cases...) / chan::select_for(timeout, cases...)
//     (and the run-time forms) wait at most until the deadline (twist::steady_clock; a fiber
//     needs a timer service, options::timers) and return chan::kTimedOut if no case completed
//     by then: no handler ran, a send case's value was not sent (it dies with the case
//     object), a recv case took nothing. Go's `case <-time.After(d):`. A ready case never
//     waits; a passed deadline polls the cases once, like a select with a default case that
//     returns kTimedOut. With a default case the deadline plays no part; with every case off
//     it is waited out.
//
//     switch (fiber::chan::select_for(5ms, fiber::chan::recv(numbers, on_number))) {
//       case 0: break;                          // on_number ran
//       case fiber::chan::kTimedOut: break;     // nothing came within 5 ms
//     }
// Memory: nothing allocates — the cases, their waiter nodes, the shared parker and a timed
// select's timer entry live on the caller's stack (a run-time list of more than kInlineCases
// cases allocates two arrays of pointers; the overloads taking scratch spans never allocate).
// At most 2^32 - 2 cases.
//
// Protocol (Go's runtime/select.go selectgo(), restated for intrusive stack waiters). select
// talks to the things its cases wait on only through detail::case_source (CH.SRC1-CH.SRC5 in
// detail/case_source.hpp); a channel is one such source, and "source" below means any.
//   1. Pick a random poll order (Fisher-Yates over the cases) and a lock order (the cases
//      sorted by source address). Lock every distinct source in lock order (CH.SRC1).
//      CH.SEL1 (no deadlock): every party that holds two source locks at once is a select, and
//      takes them in one global order (addresses); duplicates are locked once. A plain send,
//      recv or close holds one lock, and nobody waits for anything while holding a lock.
//   2. In poll order, try each case as the non-blocking operation (try_complete_locked, CH.SRC2;
//      for a channel, channel.hpp's step 1/2 under the lock). The first that completes wins:
//      unlock all, wake the counterpart it claimed (if any), run the handler. Taking the
//      first ready case of a uniformly random permutation chooses uniformly among the ready
//      cases.
//   3. None ready and a default case: unlock all, run the default handler.
//   4. Otherwise register one node per case with its source (enqueue_locked, CH.SRC3), all
//      owned by one parker (parker.hpp) on our stack; unlock all; park(). No wakeup is lost:
//      every node is registered before any lock is released (WT.WAIT1 of waiter.hpp covers the
//      rest).
//   5. A completer on one of the sources claims the parker (CH.CLAIM1: one CAS, so exactly one
//      case completes), finishes that case, unlocks, wakes us. Completers on the other
//      sources that find our other nodes fail the claim and drop them, under their lock.
//   6. Woken: for each case but the winner, cancel its node (CH.SRC4: lock its source, unlink
//      the node if still queued, unlock). Then run the winner's handler and return its index.
//   7. Timed (select_until): the parker is `timed` (CH.CLAIM2 of parker.hpp). In step 4, with no
//      default case, first check the timer service (a fiber) and the clock, still holding
//      the locks: the deadline passed -> queue nothing, unlock, return kTimedOut. Else park
//      with park_until(deadline). Woken: step 6 as usual. Timed out: cancel every case's
//      node (step 6 with no winner); return kTimedOut. Every case off and no default: park
//      the lone timed parker until the deadline (nobody can claim it) and return kTimedOut.
//   CH.SEL2 (no dangling waiter): every access to our nodes or our parker by another party
//   happens under the lock of a source holding one of our nodes (or is the winner's final
//   wake(), WT.WAIT2 of waiter.hpp; CH.SRC3). Step 6 takes each such lock after the claim
//   (CH.SRC4), so when select returns nobody still holds a pointer into its frame. The winner's
//   node needs no step 6: the winner unlinked it and nobody else can reach it. Step 7 takes
//   every case's lock, the node of a completer that lost CH.CLAIM2 to the timeout included.
//   CH.SEL3 (timeout or one case, never both): a completer finishes a case only after winning
//   CH.CLAIM2 (winner_, then the waiter's claim, which fails once the timeout won — WT.WAIT4),
//   and the owner reports kTimedOut only when park_until() says the timeout won. So a timed-out
//   select moved no value in or out, and a completed one did not time out.
// A lock-free channel could replace step 1's locks and wait_queue (wait_queue.hpp and
// case_source.hpp say how); steps 4-6 depend only on the claim.
#pragma once

#include <array>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <type_traits>
#include <utility>

#include <spindle/fiber/chan/channel.hpp>
#include <spindle/fiber/chan/detail/case_source.hpp>
#include <spindle/fiber/chan/detail/parker.hpp>
#include <spindle/fiber/chan/detail/wait_queue.hpp>
#include <spindle/fiber/sync/waiter.hpp>
#include <spindle/twist/clock.hpp>

namespace spindle::fiber::chan {

namespace detail {

// One case of a select: what it waits on (a case_source and a direction), its waiter node,
// and its handler behind finish(). The protocol runs out of line (select.cpp) and reaches the
// source only through case_source; a case kind is a subclass that sets node.slot to what its
// source fills or takes (case_source.hpp, case_op) and runs its handler in finish().
class select_case {
 public:
  select_case(const select_case&) = delete;
  select_case& operator=(const select_case&) = delete;

  // After every lock is released, for the case that completed (or the default): runs the
  // handler with what the source left in node.slot / node.closed.
  virtual void finish() = 0;

  enum class kind : std::uint8_t { waits, off, fallback };

  // Case indexes must stay below parker::unclaimed.
  static constexpr std::size_t kMaxCases() noexcept { return parker::unclaimed; }

  case_source* const source;        // what the case waits on; null for `off` and `fallback`
  case_node node;                   // this case's waiter (step 4); slot set by the subclass
  std::uint32_t index = 0;          // position in the select's argument list
  const case_op op;                 // which way the value goes (ignored without a source)
  const kind what;                  // waits on a source, a case switched off, the default

 protected:
  select_case(case_source* src, case_op direction, kind k) noexcept
      : source(src), op(direction), what(k) {}
  ~select_case() = default;
};

// Steps 1-6. `poll` and `lock_order` both list the channel cases (scratch arrays on the
// caller's stack, reordered here); `fallback` is the default case or null.
std::size_t run_select(std::span<select_case*> poll, std::span<select_case*> lock_order,
                       select_case* fallback);

// Steps 1-7 with a deadline (select_until): kTimedOut if no case completed by then.
std::size_t run_select_until(std::span<select_case*> poll, std::span<select_case*> lock_order,
                             select_case* fallback, twist::steady_clock::time_point deadline);

// Sorts `cases` (index = position) into `poll` (the channel cases; its first `count` entries
// on return) and the default case (returned, or null). Stops the program on a second default.
select_case* collect_cases(std::span<select_case* const> cases, std::span<select_case*> poll,
                           std::size_t& count) noexcept;

struct no_handler {
  void operator()() const noexcept {}
};

}  // namespace detail

template <class T, class F>
class recv_case final : public detail::select_case {
  static_assert(std::is_invocable_v<F&, std::optional<T>&&>,
                "a recv case's handler is called with std::optional<T> (empty: closed)");

 public:
  recv_case(channel<T>* ch, F handler)
      : select_case(ch == nullptr ? nullptr : &ch->select_source(), detail::case_op::recv,
                    ch == nullptr ? kind::off : kind::waits),
        handler_(std::move(handler)) {
    node.slot = &result_;
  }

  void finish() override { std::invoke(handler_, std::move(result_)); }

 private:
  F handler_;
  std::optional<T> result_;  // filled by the source (or stays empty: closed)
};

template <class T, class F>
class send_case final : public detail::select_case {
  static_assert(std::is_invocable_v<F&, send_status> || std::is_invocable_v<F&>,
                "a send case's handler takes a fiber::chan::send_status, or nothing");

 public:
  send_case(channel<T>* ch, T value, F handler)
      : select_case(ch == nullptr ? nullptr : &ch->select_source(), detail::case_op::send,
                    ch == nullptr ? kind::off : kind::waits),
        value_(std::move(value)),
        handler_(std::move(handler)) {
    node.slot = &value_;
  }

  void finish() override {
    const send_status status = node.closed ? send_status::closed : send_status::sent;
    if constexpr (std::is_invocable_v<F&, send_status>) {
      std::invoke(handler_, status);
    } else {
      std::invoke(handler_);
    }
  }

 private:
  T value_;  // moved out by the receiver if the case completes
  F handler_;
};

template <class F>
class default_select_case final : public detail::select_case {
  static_assert(std::is_invocable_v<F&>, "a default case's handler takes nothing");

 public:
  explicit default_select_case(F handler)
      : select_case(nullptr, detail::case_op::recv, kind::fallback), handler_(std::move(handler)) {}

  void finish() override { std::invoke(handler_); }

 private:
  F handler_;
};

// A case receiving from `ch`; `handler(std::optional<T>)` runs if it completes. Through a
// pointer: a null `ch` makes a case that is never ready (a nil channel in Go).
template <class T, class F>
recv_case<T, std::decay_t<F>> recv(channel<T>& ch, F&& handler) {
  return recv_case<T, std::decay_t<F>>(&ch, std::forward<F>(handler));
}
template <class T, class F>
recv_case<T, std::decay_t<F>> recv(channel<T>* ch, F&& handler) {
  return recv_case<T, std::decay_t<F>>(ch, std::forward<F>(handler));
}

// A case sending `value` on `ch`; `handler(send_status)` or `handler()` runs if it completes.
// Through a pointer: a null `ch` makes a case that is never ready (its value is dropped).
template <class T, class F>
send_case<T, std::decay_t<F>> send(channel<T>& ch, std::type_identity_t<T> value, F&& handler) {
  return send_case<T, std::decay_t<F>>(&ch, std::move(value), std::forward<F>(handler));
}
template <class T>
send_case<T, detail::no_handler> send(channel<T>& ch, std::type_identity_t<T> value) {
  return send_case<T, detail::no_handler>(&ch, std::move(value), detail::no_handler{});
}
template <class T, class F>
send_case<T, std::decay_t<F>> send(channel<T>* ch, std::type_identity_t<T> value, F&& handler) {
  return send_case<T, std::decay_t<F>>(ch, std::move(value), std::forward<F>(handler));
}
template <class T>
send_case<T, detail::no_handler> send(channel<T>* ch, std::type_identity_t<T> value) {
  return send_case<T, detail::no_handler>(ch, std::move(value), detail::no_handler{});
}

// The case that runs when no other case is ready (at most one per select).
template <class F>
default_select_case<std::decay_t<F>> default_case(F&& handler) {
  return default_select_case<std::decay_t<F>>(std::forward<F>(handler));
}
inline default_select_case<detail::no_handler> default_case() {
  return default_select_case<detail::no_handler>(detail::no_handler{});
}

namespace detail {
// What the variadic select takes: cases made by chan::recv, chan::send, chan::default_case.
template <class Case>
concept select_case_argument = std::derived_from<std::remove_cvref_t<Case>, select_case>;

template <class Case>
inline constexpr bool is_default_case = false;
template <class F>
inline constexpr bool is_default_case<default_select_case<F>> = true;

// Lays the cases out in arrays on this frame, then run(poll, lock_order, fallback).
template <class Run, class... Cases>
std::size_t with_case_arrays(Run run, Cases&... cases) {
  static_assert(sizeof...(Cases) > 0, "fiber::chan::select needs at least one case");
  constexpr std::size_t defaults = (std::size_t{is_default_case<std::remove_cvref_t<Cases>>} + ...);
  static_assert(defaults <= 1, "fiber::chan::select takes at most one default case");
  constexpr std::size_t channel_cases = sizeof...(Cases) - defaults;

  std::array<select_case*, sizeof...(Cases)> all{&static_cast<select_case&>(cases)...};
  std::array<select_case*, channel_cases> poll{};
  std::size_t count = 0;
  select_case* fallback = collect_cases(all, poll, count);
  std::array<select_case*, channel_cases> lock_order = poll;
  return run(std::span(poll).first(count), std::span(lock_order).first(count), fallback);
}
}  // namespace detail

// What select_until / select_for return when the deadline passed before any case completed
// (never a case's position: a select has fewer than 2^32 - 1 cases).
inline constexpr std::size_t kTimedOut = ~std::size_t{0};

// Completes exactly one of `cases` (made by chan::recv, chan::send, chan::default_case),
// blocking until one is ready unless there is a default case, runs its handler and returns its
// position in the argument list.
template <class... Cases>
  requires(detail::select_case_argument<Cases> && ...)
std::size_t select(Cases&&... cases) {
  return detail::with_case_arrays(
      [](std::span<detail::select_case*> poll, std::span<detail::select_case*> lock_order,
         detail::select_case* fallback) { return detail::run_select(poll, lock_order, fallback); },
      cases...);
}

// Like select(cases...), but waits at most until `deadline`: the position of the case that
// completed (its handler has run), or kTimedOut (no handler ran, no value moved: CH.SEL3).
template <class... Cases>
  requires(detail::select_case_argument<Cases> && ...)
std::size_t select_until(twist::steady_clock::time_point deadline, Cases&&... cases) {
  return detail::with_case_arrays(
      [deadline](std::span<detail::select_case*> poll, std::span<detail::select_case*> lock_order,
                 detail::select_case* fallback) {
        return detail::run_select_until(poll, lock_order, fallback, deadline);
      },
      cases...);
}

// select_until(now + timeout, cases...).
template <class Rep, class Period, class... Cases>
  requires(detail::select_case_argument<Cases> && ...)
std::size_t select_for(const std::chrono::duration<Rep, Period>& timeout, Cases&&... cases) {
  return select_until(sync::deadline_after(timeout), std::forward<Cases>(cases)...);
}

// Any case of a select: what chan::recv, chan::send and chan::default_case return, seen
// through its base — the element type of a run-time case list.
using select_case = detail::select_case;

// How many cases a run-time select handles without allocating.
inline constexpr std::size_t kInlineCases = 16;

// select over a run-time list of cases (pointers; each case must outlive the call), at most
// one of them a default case: the same semantics as the variadic select; returns the
// position in `cases` of the one that completed. Allocates two pointer arrays when there are
// more than kInlineCases cases (std::bad_alloc before anything happened).
std::size_t select(std::span<select_case* const> cases);

// The same without allocating: `poll` and `lock_order` are scratch space of at least
// cases.size() entries each.
std::size_t select(std::span<select_case* const> cases, std::span<select_case*> poll,
                   std::span<select_case*> lock_order);

// The timed run-time select: as select(cases) / select(cases, poll, lock_order), waiting at
// most until `deadline`; kTimedOut if no case completed by then.
std::size_t select_until(twist::steady_clock::time_point deadline,
                         std::span<select_case* const> cases);
std::size_t select_until(twist::steady_clock::time_point deadline,
                         std::span<select_case* const> cases, std::span<select_case*> poll,
                         std::span<select_case*> lock_order);

// select_until(now + timeout, cases).
template <class Rep, class Period>
std::size_t select_for(const std::chrono::duration<Rep, Period>& timeout,
                       std::span<select_case* const> cases) {
  return select_until(sync::deadline_after(timeout), cases);
}

}  // namespace spindle::fiber::chan
