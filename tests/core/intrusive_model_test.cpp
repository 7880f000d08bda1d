// Model-based property tests (RapidCheck): random operation sequences run against the
// intrusive containers and a simple sequential model side by side — forward_list and queue
// against std::deque, stack against std::vector, mpsc_stack (on one thread) against
// std::vector — with splice, reverse and moves between two instances, and popped nodes
// reused, so the link marks and tail pointers are exercised across every transition.
#include <cstddef>
#include <deque>
#include <memory>
#include <ostream>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <spindle/core/intrusive/forward_list.hpp>
#include <spindle/core/intrusive/mpsc_stack.hpp>
#include <spindle/core/intrusive/queue.hpp>
#include <spindle/core/intrusive/stack.hpp>

namespace intrusive = spindle::core::intrusive;

namespace {

struct node : intrusive::forward_hook<> {
  explicit node(int node_id) : id(node_id) {}
  int id;
};

// Owns every node of one property run; hands out unlinked nodes, reusing popped ones.
// Declared before the containers of a run, so it outlives them.
class node_pool {
 public:
  node& take(bool reuse) {
    if (reuse && !free_.empty()) {
      node* n = free_.back();
      free_.pop_back();
      return *n;
    }
    owned_.push_back(std::make_unique<node>(static_cast<int>(owned_.size())));
    return *owned_.back();
  }
  void give_back(node* n) { free_.push_back(n); }
  template <class Range>
  void give_back_all(const Range& nodes) {
    for (node* n : nodes) free_.push_back(n);
  }

 private:
  std::vector<std::unique_ptr<node>> owned_;
  std::vector<node*> free_;  // unlinked
};

// The ids, in order, of an iterable container or of a model of node pointers.
template <class Iterable>
std::vector<int> ids_of_nodes(const Iterable& nodes) {
  std::vector<int> ids;
  for (const node& n : nodes) ids.push_back(n.id);
  return ids;
}
template <class Model>
std::vector<int> ids_of_model(const Model& model) {
  std::vector<int> ids;
  for (const node* n : model) ids.push_back(n->id);
  return ids;
}

// ---- operations -------------------------------------------------------------------------------
enum class op_kind {
  push_front, push_back, pop_front, splice_front, splice_back, reverse, move_assign, clear,
  pop_all, pop_all_fifo
};

std::ostream& operator<<(std::ostream& os, op_kind k) {
  constexpr const char* names[] = {"push_front", "push_back",   "pop_front", "splice_front",
                                   "splice_back", "reverse",    "move_assign", "clear",
                                   "pop_all",    "pop_all_fifo"};
  return os << names[static_cast<int>(k)];
}

// One step: `kind` on container `target` (0 or 1; the other one is the splice/move source).
// Pushes reuse a previously popped node when `reuse` is set and one is free.
struct op {
  op_kind kind;
  int target;
  bool reuse;
};

std::ostream& operator<<(std::ostream& os, const op& o) {
  return os << o.kind << "(" << o.target << (o.reuse ? ", reuse" : "") << ")";
}

rc::Gen<op> gen_op(std::vector<op_kind> kinds) {
  return rc::gen::construct<op>(rc::gen::elementOf(std::move(kinds)), rc::gen::inRange(0, 2),
                                rc::gen::arbitrary<bool>());
}

rc::Gen<std::vector<op>> gen_ops(std::vector<op_kind> kinds) {
  return rc::gen::container<std::vector<op>>(gen_op(std::move(kinds)));
}

}  // namespace

RC_GTEST_PROP(IntrusiveModel, ForwardListBehavesLikeDeque, ()) {
  const auto ops = *gen_ops({op_kind::push_front, op_kind::push_back, op_kind::pop_front,
                             op_kind::splice_front, op_kind::splice_back, op_kind::reverse,
                             op_kind::move_assign, op_kind::clear});
  node_pool pool;
  intrusive::forward_list<node> lists[2];
  std::deque<node*> models[2];

  for (const op& o : ops) {
    auto& list = lists[o.target];
    auto& model = models[o.target];
    auto& other_list = lists[1 - o.target];
    auto& other_model = models[1 - o.target];
    switch (o.kind) {
      case op_kind::push_front: {
        node& n = pool.take(o.reuse);
        list.push_front(n);
        model.push_front(&n);
        break;
      }
      case op_kind::push_back: {
        node& n = pool.take(o.reuse);
        list.push_back(n);
        model.push_back(&n);
        break;
      }
      case op_kind::pop_front: {
        node* popped = list.pop_front();
        if (model.empty()) {
          RC_ASSERT(popped == nullptr);
        } else {
          RC_ASSERT(popped == model.front());
          model.pop_front();
          pool.give_back(popped);
        }
        break;
      }
      case op_kind::splice_front:
        list.splice_front(other_list);
        model.insert(model.begin(), other_model.begin(), other_model.end());
        other_model.clear();
        break;
      case op_kind::splice_back:
        list.splice_back(other_list);
        model.insert(model.end(), other_model.begin(), other_model.end());
        other_model.clear();
        break;
      case op_kind::reverse:
        list.reverse();
        model = std::deque<node*>(model.rbegin(), model.rend());
        break;
      case op_kind::move_assign:
        list = std::move(other_list);
        pool.give_back_all(model);
        model = std::exchange(other_model, {});
        break;
      case op_kind::clear:
        list.clear();
        pool.give_back_all(model);
        model.clear();
        break;
      default:
        RC_FAIL("operation not generated for this container");
    }
    for (int i = 0; i < 2; ++i) {
      RC_ASSERT(ids_of_nodes(lists[i]) == ids_of_model(models[i]));
      RC_ASSERT(lists[i].size() == models[i].size());
      RC_ASSERT(lists[i].empty() == models[i].empty());
      if (!models[i].empty()) {
        RC_ASSERT(&lists[i].front() == models[i].front());
        RC_ASSERT(&lists[i].back() == models[i].back());
      }
    }
  }
}

RC_GTEST_PROP(IntrusiveModel, QueueBehavesLikeDeque, ()) {
  const auto ops = *gen_ops({op_kind::push_back, op_kind::pop_front, op_kind::splice_back,
                             op_kind::move_assign, op_kind::clear});
  node_pool pool;
  intrusive::queue<node> queues[2];
  std::deque<node*> models[2];

  for (const op& o : ops) {
    auto& q = queues[o.target];
    auto& model = models[o.target];
    auto& other_model = models[1 - o.target];
    switch (o.kind) {
      case op_kind::push_back: {
        node& n = pool.take(o.reuse);
        q.push_back(n);
        model.push_back(&n);
        break;
      }
      case op_kind::pop_front: {
        node* popped = q.pop_front();
        if (model.empty()) {
          RC_ASSERT(popped == nullptr);
        } else {
          RC_ASSERT(popped == model.front());
          model.pop_front();
          pool.give_back(popped);
        }
        break;
      }
      case op_kind::splice_back:
        q.splice(queues[1 - o.target]);
        model.insert(model.end(), other_model.begin(), other_model.end());
        other_model.clear();
        break;
      case op_kind::move_assign:
        q = std::move(queues[1 - o.target]);
        pool.give_back_all(model);
        model = std::exchange(other_model, {});
        break;
      case op_kind::clear:
        q.clear();
        pool.give_back_all(model);
        model.clear();
        break;
      default:
        RC_FAIL("operation not generated for this container");
    }
    for (int i = 0; i < 2; ++i) {
      RC_ASSERT(queues[i].size() == models[i].size());
      RC_ASSERT(queues[i].empty() == models[i].empty());
      if (!models[i].empty()) RC_ASSERT(&queues[i].front() == models[i].front());
    }
  }
  for (int i = 0; i < 2; ++i) {  // drain: the full FIFO order
    std::vector<int> drained;
    while (node* n = queues[i].pop_front()) drained.push_back(n->id);
    RC_ASSERT(drained == ids_of_model(models[i]));
  }
}

RC_GTEST_PROP(IntrusiveModel, StackBehavesLikeVector, ()) {
  const auto ops = *gen_ops({op_kind::push_front, op_kind::pop_front, op_kind::splice_front,
                             op_kind::move_assign, op_kind::clear});
  node_pool pool;
  intrusive::stack<node> stacks[2];
  std::vector<node*> models[2];  // back() is the top

  for (const op& o : ops) {
    auto& s = stacks[o.target];
    auto& model = models[o.target];
    auto& other_model = models[1 - o.target];
    switch (o.kind) {
      case op_kind::push_front: {
        node& n = pool.take(o.reuse);
        s.push(n);
        model.push_back(&n);
        break;
      }
      case op_kind::pop_front: {
        node* popped = s.pop();
        if (model.empty()) {
          RC_ASSERT(popped == nullptr);
        } else {
          RC_ASSERT(popped == model.back());
          model.pop_back();
          pool.give_back(popped);
        }
        break;
      }
      case op_kind::splice_front:  // the other stack goes on top, keeping its order
        s.splice(stacks[1 - o.target]);
        model.insert(model.end(), other_model.begin(), other_model.end());
        other_model.clear();
        break;
      case op_kind::move_assign:
        s = std::move(stacks[1 - o.target]);
        pool.give_back_all(model);
        model = std::exchange(other_model, {});
        break;
      case op_kind::clear:
        s.clear();
        pool.give_back_all(model);
        model.clear();
        break;
      default:
        RC_FAIL("operation not generated for this container");
    }
    for (int i = 0; i < 2; ++i) {
      RC_ASSERT(stacks[i].size() == models[i].size());
      RC_ASSERT(stacks[i].empty() == models[i].empty());
      if (!models[i].empty()) RC_ASSERT(&stacks[i].top() == models[i].back());
    }
  }
  for (int i = 0; i < 2; ++i) {  // drain: the full LIFO order
    std::vector<int> drained;
    while (node* n = stacks[i].pop()) drained.push_back(n->id);
    RC_ASSERT(drained == ids_of_model(std::vector<node*>(models[i].rbegin(), models[i].rend())));
  }
}

RC_GTEST_PROP(IntrusiveModel, MpscStackOnOneThreadBehavesLikeVector, ()) {
  const auto ops = *gen_ops({op_kind::push_front, op_kind::pop_all, op_kind::pop_all_fifo});
  node_pool pool;
  intrusive::mpsc_stack<node> stacks[2];
  std::vector<node*> models[2];  // push order

  for (const op& o : ops) {
    auto& s = stacks[o.target];
    auto& model = models[o.target];
    switch (o.kind) {
      case op_kind::push_front: {
        node& n = pool.take(o.reuse);
        RC_ASSERT(s.push(n) == model.empty());
        model.push_back(&n);
        break;
      }
      case op_kind::pop_all: {
        auto taken = s.pop_all();
        RC_ASSERT(ids_of_nodes(taken) == ids_of_model(std::vector<node*>(model.rbegin(), model.rend())));
        RC_ASSERT(taken.size() == model.size());
        if (!model.empty()) RC_ASSERT(&taken.back() == model.front());
        while (node* n = taken.pop_front()) pool.give_back(n);
        model.clear();
        break;
      }
      case op_kind::pop_all_fifo: {
        auto taken = s.pop_all_fifo();
        RC_ASSERT(ids_of_nodes(taken) == ids_of_model(model));
        if (!model.empty()) RC_ASSERT(&taken.back() == model.back());
        while (node* n = taken.pop_front()) pool.give_back(n);
        model.clear();
        break;
      }
      default:
        RC_FAIL("operation not generated for this container");
    }
    RC_ASSERT(s.empty() == model.empty());
  }
}
