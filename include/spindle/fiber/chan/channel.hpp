// A Go-style channel for fibers and threads: a FIFO of values between any number of senders
// and receivers, buffered (capacity N: send blocks while N values wait) or unbuffered
// (capacity 0: a send completes only when a receiver takes the value — a rendezvous).
// A fiber that blocks suspends (its worker runs other work); a plain thread parks on a futex.
//
//   fiber::chan::channel<int> jobs(16);               // buffered, the ring allocated here, once
//   fiber::go(pool, [&] {
//     for (int i = 0; i < 100; ++i) jobs.send(i);     // blocks while 16 values wait
//     jobs.close();
//   });
//   while (std::optional<int> job = jobs.recv()) {    // empty once closed and drained
//     run(*job);
//   }
//
// Errors are results, never undefined behaviour:
//   - send() on a closed channel returns send_status::closed and leaves the value untouched
//     (a send blocked when close() comes returns `closed` too: its value was not delivered);
//   - recv() on a closed channel returns the buffered values, then an empty optional, forever;
//   - close() twice: the second returns false and does nothing;
//   - a timed operation whose deadline passes first returns `timed_out`: a timed-out send did
//     not deliver its value and did not move from it (the caller still owns it), a timed-out
//     recv returns no value. A timeout racing a completion has one outcome: the value moved
//     and the operation reports it, or it did not and it reports `timed_out` (CH.CHAN5).
// Destroying a channel while some fiber or thread is blocked on it (or a select naming it is
// still running) is misuse: always caught when a party is queued (the program stops with
// "fiber::chan::channel destroyed while fibers or threads wait on it").
//
// Timed operations (send_until / send_for, recv_until / recv_for) take twist::steady_clock
// deadlines (virtual time in sim builds). A fiber waits on its timer service
// (options::timers: without one, a timed operation that has to wait stops the program); a
// plain thread uses a futex wait with a timeout. A deadline already passed makes them
// try_send / try_recv with `timed_out` for `full` / `empty`.
//
//   if (results.send_for(std::move(r), 5ms) == fiber::chan::send_status::timed_out) {
//     retry_later(std::move(r));                      // still ours: not sent, not moved from
//   }
//   fiber::chan::recv_result<int> job = jobs.recv_for(10ms);   // .status: received, closed
//                                                              // or timed_out
//
// Memory: the managed constructor allocates the ring once (capacity slots of T); the
// unmanaged one uses caller storage. send / recv / select and their timed forms allocate nothing: a blocked party's
// waiter (and a timed one's timer entry) lives on its own stack (detail/wait_queue.hpp). T's move constructor must not throw
// (values move under the channel's spinlock). Everything a sender did before send() happens-
// before the receiver's recv() returning that value.
//
// The protocol (CH.CHAN1-CH.CHAN6, steps 1-5) is in detail/channel_base.hpp; select in select.hpp,
// which waits on a channel through the case_source interface (detail/case_source.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <chrono>
#include <new>
#include <optional>
#include <span>
#include <type_traits>
#include <utility>

#include <spindle/base/config.hpp>
#include <spindle/fiber/chan/detail/channel_base.hpp>
#include <spindle/fiber/no_suspend_scope.hpp>
#include <spindle/fiber/sync/waiter.hpp>
#include <spindle/twist/clock.hpp>

namespace spindle::fiber::chan {

enum class send_status : std::uint8_t {
  sent,    // the value was delivered (buffered, or taken by a receiver)
  full,    // try_send only: nobody could take it now; the value is untouched
  closed,  // the channel is closed; the value is untouched
  timed_out,  // send_until / send_for only: the deadline passed first; the value is untouched
};

enum class recv_status : std::uint8_t {
  received,  // a value came out
  empty,     // try_recv only: no value now, and the channel is open
  closed,    // the channel is closed and drained
  timed_out,  // recv_until / recv_for only: the deadline passed first; no value came out
};

// What try_recv() and the timed recvs return: value is engaged exactly when status is
// `received`.
template <class T>
struct recv_result {
  recv_status status;
  std::optional<T> value;
};

// Raw storage for one buffered value: the unmanaged constructor's element type.
template <class T>
struct storage_slot {
  alignas(T) unsigned char bytes[sizeof(T)];
};

template <class T>
class channel final : private detail::channel_base {
  static_assert(std::is_nothrow_move_constructible_v<T>,
                "fiber::chan::channel<T>: T must be nothrow move constructible (values move "
                "under a spinlock)");
  static_assert(std::is_nothrow_destructible_v<T>, "fiber::chan::channel<T>: T must be nothrow destructible");

 public:
  // An unbuffered channel: every send waits for a receiver.
  channel() noexcept : channel_base(0) {}

  // A channel buffering up to `capacity` values (0: unbuffered); the ring is allocated here.
  explicit channel(std::size_t capacity)
      : channel_base(capacity),
        owned_(capacity == 0 ? nullptr : new storage_slot<T>[capacity]),
        slots_(owned_.get()) {}

  // A buffered channel on caller storage (capacity = storage.size()), which must outlive it.
  explicit channel(std::span<storage_slot<T>> storage) noexcept
      : channel_base(storage.size()), slots_(storage.data()) {}

  // Destroys the values still buffered. Nobody may be blocked on the channel (checked).
  ~channel() {
    // Destruction happens-after every operation (the caller's own synchronization); the lock
    // costs nothing here and keeps the rule "the ring only under lock_" without exceptions.
    lock();
    while (guarded_.count > 0) pop_buffered();
    unlock();
  }

  // Sends `value`, blocking while the ring is full (capacity 0: until a receiver takes it).
  // Returns `sent`, or `closed` (the value is then untouched: it was not moved from).
  send_status send(T&& value) { return send_impl(value); }
  send_status send(const T& value)
    requires std::is_copy_constructible_v<T>
  {
    T copy(value);
    return send_impl(copy);
  }

  // Sends `value` if that needs no waiting: `sent`, `full` or `closed` (untouched unless sent).
  send_status try_send(T&& value) noexcept { return try_send_impl(value); }
  send_status try_send(const T& value)
    requires std::is_copy_constructible_v<T>
  {
    T copy(value);
    return try_send_impl(copy);
  }

  // Sends `value` unless `deadline` passes first: `sent`, `closed` or `timed_out` (the value
  // is then untouched: not delivered, not moved from). A ready send never waits; a passed
  // deadline makes it try_send. A fiber needs a timer service (options::timers) to wait.
  send_status send_until(T&& value, twist::steady_clock::time_point deadline) {
    return send_until_impl(value, deadline);
  }
  send_status send_until(const T& value, twist::steady_clock::time_point deadline)
    requires std::is_copy_constructible_v<T>
  {
    T copy(value);
    return send_until_impl(copy, deadline);
  }

  // send_until(value, now + timeout).
  template <class Rep, class Period>
  send_status send_for(T&& value, const std::chrono::duration<Rep, Period>& timeout) {
    return send_until_impl(value, sync::deadline_after(timeout));
  }
  template <class Rep, class Period>
  send_status send_for(const T& value, const std::chrono::duration<Rep, Period>& timeout)
    requires std::is_copy_constructible_v<T>
  {
    T copy(value);
    return send_until_impl(copy, sync::deadline_after(timeout));
  }

  // The oldest value, blocking until there is one; an empty optional once the channel is
  // closed and its buffered values are drained.
  std::optional<T> recv();

  // The oldest value unless `deadline` passes first: `received` (value engaged), `closed`
  // (closed and drained) or `timed_out`. A ready recv never waits; a passed deadline makes it
  // try_recv. A fiber needs a timer service (options::timers) to wait.
  recv_result<T> recv_until(twist::steady_clock::time_point deadline);

  // recv_until(now + timeout).
  template <class Rep, class Period>
  recv_result<T> recv_for(const std::chrono::duration<Rep, Period>& timeout) {
    return recv_until(sync::deadline_after(timeout));
  }

  // The oldest value if there is one now (`received`), else `empty` or `closed`.
  recv_result<T> try_recv() noexcept;

  using channel_base::capacity;
  using channel_base::close;
  using channel_base::is_closed;

  // What select waits on (detail/case_source.hpp): for select's cases (select.hpp), not for
  // direct use.
  detail::case_source& select_source() noexcept { return *this; }

 private:
  send_status send_impl(T& value);
  send_status try_send_impl(T& value) noexcept;
  send_status send_until_impl(T& value, twist::steady_clock::time_point deadline);

  // Under lock_ (CH.CHAN1): step 1 without blocking. `sent`, `full` or `closed`; sets *to_wake
  // to a claimed receiver to wake once the lock is released.
  send_status try_send_locked(T& value, detail::parker*& to_wake) noexcept;
  // Under lock_: step 2 without blocking. `received` (out engaged), `empty` or `closed`.
  recv_status try_recv_locked(std::optional<T>& out, detail::parker*& to_wake) noexcept;

  // complete_or_wait's attempts: step 1 / step 2 without blocking, on the caller's value or
  // slot.
  auto sending(T& value) noexcept {
    return [this, &value](detail::parker*& to_wake) { return try_send_locked(value, to_wake); };
  }
  auto receiving(std::optional<T>& out) noexcept {
    return [this, &out](detail::parker*& to_wake) { return try_recv_locked(out, to_wake); };
  }
  // complete_or_wait's `wait` for try_send / try_recv: release the lock, report `status`.
  // Entered holding lock_, which complete_or_wait took: beyond the analysis, so not analysed.
  template <class Status>
  auto give_up(Status status) noexcept {
    return [this, status]() SPINDLE_NO_THREAD_SAFETY_ANALYSIS {
      lock_.unlock();  // CH.CHAN4
      return status;
    };
  }

  // How a wait (step 4 or 5) ended, as the operation reports it.
  static send_status as_send_status(wait_result result) noexcept {
    if (result == wait_result::completed) return send_status::sent;
    return result == wait_result::closed ? send_status::closed : send_status::timed_out;
  }
  static recv_status as_recv_status(wait_result result) noexcept {
    if (result == wait_result::completed) return recv_status::received;
    return result == wait_result::closed ? recv_status::closed : recv_status::timed_out;
  }

  // CH.SRC2 (detail/case_source.hpp): a select case's step 1 or 2 without blocking, on its
  // node's slot (a recv case: its std::optional<T>, reset first; a send case: its T).
  bool try_complete_locked(detail::case_op op, detail::case_node& node,
                           detail::parker*& to_wake) noexcept override;

  T* slot(std::size_t index) noexcept { return std::launder(reinterpret_cast<T*>(slots_[index].bytes)); }
  void push_buffered(T&& value) noexcept;
  T pop_buffered() noexcept;

  std::unique_ptr<storage_slot<T>[]> owned_;  // the managed ring, or null
  storage_slot<T>* slots_ = nullptr;          // the ring: `capacity_` slots; guarded by lock_
};

// ---- implementation ----------------------------------------------------------------------

template <class T>
void channel<T>::push_buffered(T&& value) noexcept {
  SPINDLE_ASSERT(guarded_.count < capacity_, "fiber::chan: push into a full ring");
  std::size_t tail = guarded_.head + guarded_.count;
  if (tail >= capacity_) tail -= capacity_;
  ::new (static_cast<void*>(slots_[tail].bytes)) T(std::move(value));
  ++guarded_.count;
}

template <class T>
T channel<T>::pop_buffered() noexcept {
  SPINDLE_ASSERT(guarded_.count > 0, "fiber::chan: pop from an empty ring");
  T* oldest = slot(guarded_.head);
  T value(std::move(*oldest));
  oldest->~T();
  if (++guarded_.head == capacity_) guarded_.head = 0;
  --guarded_.count;
  return value;
}

template <class T>
send_status channel<T>::try_send_locked(T& value, detail::parker*& to_wake) noexcept {
  if (guarded_.closed) return send_status::closed;
  if (detail::case_node* receiver = guarded_.receivers.pop_claimed()) {
    // CH.CHAN2: a receiver was queued, so the ring is empty; hand the value over directly.
    static_cast<std::optional<T>*>(receiver->slot)->emplace(std::move(value));
    to_wake = receiver->owner;
    return send_status::sent;
  }
  if (guarded_.count < capacity_) {
    push_buffered(std::move(value));
    return send_status::sent;
  }
  return send_status::full;
}

template <class T>
recv_status channel<T>::try_recv_locked(std::optional<T>& out, detail::parker*& to_wake) noexcept {
  if (detail::case_node* sender = guarded_.senders.pop_claimed()) {
    T& offered = *static_cast<T*>(sender->slot);
    if (capacity_ == 0) {
      out.emplace(std::move(offered));
    } else {
      // CH.CHAN3: a sender was queued, so the ring is full: the oldest value leaves, the
      // sender's takes the freed place at the back (FIFO across ring and queue).
      out.emplace(pop_buffered());
      push_buffered(std::move(offered));
    }
    to_wake = sender->owner;
    return recv_status::received;
  }
  if (guarded_.count > 0) {
    out.emplace(pop_buffered());
    return recv_status::received;
  }
  return guarded_.closed ? recv_status::closed : recv_status::empty;
}

template <class T>
bool channel<T>::try_complete_locked(detail::case_op op, detail::case_node& node,
                                     detail::parker*& to_wake) noexcept {
  if (op == detail::case_op::recv) {
    auto& out = *static_cast<std::optional<T>*>(node.slot);
    out.reset();
    return try_recv_locked(out, to_wake) != recv_status::empty;
  }
  const send_status status = try_send_locked(*static_cast<T*>(node.slot), to_wake);
  node.closed = status == send_status::closed;
  return status != send_status::full;
}

// Each operation: complete_or_wait (lock, step 1 or 2, unlock and wake), waiting if it would
// block — step 4 (wait_locked), step 5 (wait_until_locked), or not at all (give_up).

template <class T>
send_status channel<T>::send_impl(T& value) {
  return complete_or_wait(send_status::full, sending(value),
                          [&] { return as_send_status(wait_locked(guarded_.senders, &value)); });
}

template <class T>
send_status channel<T>::send_until_impl(T& value, twist::steady_clock::time_point deadline) {
  return complete_or_wait(send_status::full, sending(value), [&] {
    // CH.CHAN5: `sent` only if a receiver took the value; else it is untouched.
    return as_send_status(wait_until_locked(guarded_.senders, &value, deadline));
  });
}

template <class T>
send_status channel<T>::try_send_impl(T& value) noexcept {
  return complete_or_wait(send_status::full, sending(value), give_up(send_status::full));
}

template <class T>
std::optional<T> channel<T>::recv() {
  std::optional<T> result;
  complete_or_wait(recv_status::empty, receiving(result), [&] {
    // A sender fills `result`, or close() leaves it empty.
    return as_recv_status(wait_locked(guarded_.receivers, &result));
  });
  return result;
}

template <class T>
recv_result<T> channel<T>::recv_until(twist::steady_clock::time_point deadline) {
  recv_result<T> result{recv_status::empty, std::nullopt};
  result.status = complete_or_wait(recv_status::empty, receiving(result.value), [&] {
    // CH.CHAN5: timed out -> no sender touched the slot.
    return as_recv_status(wait_until_locked(guarded_.receivers, &result.value, deadline));
  });
  return result;
}

template <class T>
recv_result<T> channel<T>::try_recv() noexcept {
  recv_result<T> result{recv_status::empty, std::nullopt};
  result.status = complete_or_wait(recv_status::empty, receiving(result.value),
                                   give_up(recv_status::empty));
  return result;
}

}  // namespace spindle::fiber::chan
