// One unit of work for a fiber::jobs::job_system: an entry point, its argument and a priority
// (the "job declaration" of Naughty Dog's job system: C. Gyrling, "Parallelizing the Naughty
// Dog Engine Using Fibers", GDC 2015). A job is two pointers and a byte: the pool copies it into
// its queue, so submitting allocates nothing; whatever `arg` points to must outlive the job's
// run (usually the submitter waits on the batch's counter, so its locals do).
//
//   struct particle_batch { std::span<particle> items; };
//   particle_batch batches[8] = ...;
//   fiber::jobs::job jobs[8];
//   for (int i = 0; i < 8; ++i) jobs[i] = fiber::jobs::job::of(batches[i], [](particle_batch& b) {
//     simulate(b.items);
//   });
//   fiber::jobs::job_counter done;
//   pool.run_jobs(jobs, done);
//   done.wait();                          // a job suspends its fiber; a thread parks
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace spindle::fiber::jobs {

// Which queue a job waits in. A worker picking work looks at high before normal before low.
enum class priority : std::uint8_t { high = 0, normal = 1, low = 2 };
inline constexpr std::size_t num_priorities = 3;

struct job {
  using entry_fn = void (*)(void* arg);

  entry_fn entry = nullptr;  // runs the job on a pool fiber; must not be null
  void* arg = nullptr;       // passed to entry; must outlive the run
  priority level = priority::normal;

  // A job calling fn(data). `data` is referenced, not copied: it must outlive the run. `fn`
  // must be a captureless lambda (its type alone rebuilds it: nothing to store).
  template <class T, class Fn>
    requires std::is_empty_v<Fn> && std::is_default_constructible_v<Fn> &&
             std::is_invocable_v<Fn&, T&>
  static job of(T& data, Fn /*fn*/, priority level = priority::normal) noexcept {
    return job{[](void* p) { Fn{}(*static_cast<T*>(p)); }, &data, level};
  }

  // A job calling callable() (a lambda with captures, a functor); the callable is referenced
  // and must outlive the run.
  template <class F>
    requires std::is_invocable_v<F&>
  static job of(F& callable, priority level = priority::normal) noexcept {
    return job{[](void* p) { (*static_cast<F*>(p))(); }, &callable, level};
  }
};

}  // namespace spindle::fiber::jobs
