// A queue of tasks that runs only when told to, on the thread that tells it: deterministic,
// single-threaded, the workhorse of unit tests (and of event loops that pump it).
//
//   exec::manual_executor manual;
//   exec::submit(manual, [&] { log.push_back(1); });
//   exec::submit(manual, [&] { log.push_back(2); }, exec::hint::next);
//   manual.run_next();            // runs the `next` task: log == {2}
//   manual.drain();               // runs the rest, and whatever they submit: log == {2, 1}
//
// Hints: `next` puts the task at the front (it runs before everything queued); `any`, `yield`
// and `inline_allowed` put it at the back (never inline: the caller decides when tasks run).
// An exception escaping a task propagates out of run_next() / run_at_most() / drain() to their
// caller; the tasks still queued stay queued.
//
// Not thread-safe: one thread at a time calls every member (submit included). After stop(),
// submit() throws executor_stopped; queued tasks can still be run. The destructor runs every
// queued task (as drain()), so destroying it never drops one.
#pragma once

#include <cstddef>
#include <string_view>

#include <spindle/core/intrusive/forward_list.hpp>
#include <spindle/exec/executor.hpp>

namespace spindle::exec {

class manual_executor final : public executor {
 public:
  manual_executor() = default;
  // Runs the tasks still queued (drain()).
  ~manual_executor() override;

  // Queues `t` (front for hint::next, back otherwise). Throws executor_stopped after stop().
  void submit(task& t, hint h = hint::any) override;

  // Runs the first queued task; returns false if there was none.
  bool run_next();

  // Runs queued tasks, including ones they submit, until `limit` have run or none is left.
  // Returns how many ran.
  std::size_t run_at_most(std::size_t limit);

  // Runs tasks until none is queued (tasks submitted meanwhile run too). Returns how many ran.
  std::size_t drain();

  // Number of queued tasks.
  std::size_t size() const noexcept { return queue_.size(); }
  bool empty() const noexcept { return queue_.empty(); }

  // Refuses further submissions (executor_stopped). Queued tasks stay runnable.
  void stop() noexcept { stopped_ = true; }
  bool stopped() const noexcept { return stopped_; }

  std::string_view name() const noexcept override { return "manual"; }

 private:
  core::intrusive::forward_list<task, task_tag> queue_;
  bool stopped_ = false;
};

}  // namespace spindle::exec
