// Model-based property test (RapidCheck): random sequences of non-blocking operations on two
// buffered channels (capacity 0..3) — try_send, try_recv, close, and a select with a default
// over a recv from one and a send to the other — run side by side with a sequential model
// (a std::deque per channel plus a closed flag). On one thread nothing blocks, so every result
// is determined by the model except which ready case a select picks; the test checks that the
// pick was ready, and that default ran only when no case was.
#include <cstddef>
#include <deque>
#include <optional>
#include <ostream>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <spindle/fiber/chan/channel.hpp>
#include <spindle/fiber/chan/select.hpp>

namespace chan = spindle::fiber::chan;

namespace {

struct model_channel {
  std::size_t capacity = 0;
  bool closed = false;
  std::deque<int> values;

  bool can_send() const { return closed || values.size() < capacity; }
  bool can_recv() const { return closed || !values.empty(); }
};

enum class op_kind { try_send, try_recv, close, select };

std::ostream& operator<<(std::ostream& os, op_kind k) {
  constexpr const char* names[] = {"try_send", "try_recv", "close", "select"};
  return os << names[static_cast<int>(k)];
}

struct op {
  op_kind kind;
  int channel;  // 0 or 1 (select: receives from `channel`, sends to the other)
  int value;
};

std::ostream& operator<<(std::ostream& os, const op& o) {
  return os << o.kind << "(" << o.channel << ", " << o.value << ")";
}

RC_GTEST_PROP(ChanModelBased, NonBlockingOperationsMatchASequentialModel, ()) {
  const auto capacity_a = *rc::gen::inRange<std::size_t>(0, 4);
  const auto capacity_b = *rc::gen::inRange<std::size_t>(0, 4);
  const auto ops = *rc::gen::container<std::vector<op>>(rc::gen::construct<op>(
      rc::gen::weightedElement<op_kind>({{4, op_kind::try_send}, {4, op_kind::try_recv}, {1, op_kind::close},
                                         {3, op_kind::select}}),
      rc::gen::inRange(0, 2), rc::gen::inRange(0, 1000)));

  chan::channel<int> a(capacity_a);
  chan::channel<int> b(capacity_b);
  chan::channel<int>* real[2] = {&a, &b};
  model_channel model[2];
  model[0].capacity = capacity_a;
  model[1].capacity = capacity_b;

  for (const op& o : ops) {
    chan::channel<int>& ch = *real[o.channel];
    model_channel& m = model[o.channel];
    switch (o.kind) {
      case op_kind::try_send: {
        const chan::send_status expected = m.closed                       ? chan::send_status::closed
                                           : m.values.size() < m.capacity ? chan::send_status::sent
                                                                          : chan::send_status::full;
        RC_ASSERT(ch.try_send(int{o.value}) == expected);
        if (expected == chan::send_status::sent) m.values.push_back(o.value);
        break;
      }
      case op_kind::try_recv: {
        chan::recv_result<int> got = ch.try_recv();
        if (!m.values.empty()) {
          RC_ASSERT(got.status == chan::recv_status::received);
          RC_ASSERT(got.value == std::optional<int>(m.values.front()));
          m.values.pop_front();
        } else {
          RC_ASSERT(got.status == (m.closed ? chan::recv_status::closed : chan::recv_status::empty));
          RC_ASSERT(!got.value.has_value());
        }
        break;
      }
      case op_kind::close:
        RC_ASSERT(ch.close() == !m.closed);
        RC_ASSERT(ch.is_closed());
        m.closed = true;
        break;
      case op_kind::select: {
        model_channel& to = model[1 - o.channel];
        std::optional<int> received;
        chan::send_status send_result = chan::send_status::full;
        const std::size_t which =
            chan::select(chan::recv(ch, [&](std::optional<int> v) { received = v; }),
                         chan::send(*real[1 - o.channel], o.value, [&](chan::send_status s) { send_result = s; }),
                         chan::default_case());
        const bool recv_ready = m.can_recv();
        const bool send_ready = to.can_send();
        if (which == 0) {
          RC_ASSERT(recv_ready);
          if (!m.values.empty()) {
            RC_ASSERT(received == std::optional<int>(m.values.front()));
            m.values.pop_front();
          } else {
            RC_ASSERT(!received.has_value());  // closed and drained
          }
        } else if (which == 1) {
          RC_ASSERT(send_ready);
          RC_ASSERT(send_result == (to.closed ? chan::send_status::closed : chan::send_status::sent));
          if (!to.closed) to.values.push_back(o.value);
        } else {
          RC_ASSERT(which == 2u);
          RC_ASSERT(!recv_ready && !send_ready);
        }
        break;
      }
    }
  }
}

}  // namespace
