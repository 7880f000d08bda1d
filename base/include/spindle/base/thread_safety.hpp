// Clang thread-safety annotations (https://clang.llvm.org/docs/ThreadSafetyAnalysis.html), as
// abseil's thread_annotations.h and marl's: lock discipline that the compiler checks instead of
// a comment that only names it. Every clang build compiles with -Wthread-safety
// (cmake/SpindleTargetOptions.cmake); on other compilers the macros expand to nothing.
//
//   class SPINDLE_CAPABILITY("mutex") futex_mutex {    // a lock type
//     void lock() SPINDLE_ACQUIRE();
//     bool try_lock() SPINDLE_TRY_ACQUIRE(true);
//     void unlock() SPINDLE_RELEASE();
//   };
//   class SPINDLE_SCOPED_CAPABILITY futex_lock {        // an RAII holder
//     explicit futex_lock(futex_mutex& mu) SPINDLE_ACQUIRE(mu);
//     ~futex_lock() SPINDLE_RELEASE();
//   };
//   futex_mutex mu_;
//   struct { ... } guarded_ SPINDLE_GUARDED_BY(mu_);    // read or written only holding mu_
//   void publish_locked() SPINDLE_REQUIRES(mu_);       // the caller holds mu_
//   void notify() SPINDLE_EXCLUDES(mu_);               // the caller must not hold mu_
//
// Where a correct pattern cannot be expressed (a lock handed from one function to another in a
// protocol), put SPINDLE_NO_THREAD_SAFETY_ANALYSIS on the smallest function, with a one-line
// comment saying why. tests/guard/thread_safety checks that the analysis is on.
#pragma once

#if defined(__clang__)
#define SPINDLE_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define SPINDLE_THREAD_ANNOTATION(x)
#endif

// On a class: its objects are locks. `kind` is "mutex" (clang names capability kinds "mutex" or
// "role"; a spinlock is a mutex to the analysis).
#define SPINDLE_CAPABILITY(kind) SPINDLE_THREAD_ANNOTATION(capability(kind))
// On a class: an RAII object that holds a capability for its lifetime.
#define SPINDLE_SCOPED_CAPABILITY SPINDLE_THREAD_ANNOTATION(scoped_lockable)

// On a field: read or written only while holding `lock`.
#define SPINDLE_GUARDED_BY(lock) SPINDLE_THREAD_ANNOTATION(guarded_by(lock))
// On a pointer field: the pointee is read or written only while holding `lock`.
#define SPINDLE_PT_GUARDED_BY(lock) SPINDLE_THREAD_ANNOTATION(pt_guarded_by(lock))

// On a function: the caller holds the locks (the `*_locked` convention).
#define SPINDLE_REQUIRES(...) SPINDLE_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
// On a function: the caller must not hold the locks (the function takes them).
#define SPINDLE_EXCLUDES(...) SPINDLE_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))

// On a function: it takes the locks (none named: `this`) and returns holding them.
#define SPINDLE_ACQUIRE(...) SPINDLE_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
// On a function: it releases the locks (none named: `this`), which the caller held.
#define SPINDLE_RELEASE(...) SPINDLE_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
// On a function: it holds the locks on return exactly when it returns `result` (first argument).
#define SPINDLE_TRY_ACQUIRE(...) SPINDLE_THREAD_ANNOTATION(try_acquire_capability(__VA_ARGS__))

// On a function: not analysed. Only with a comment saying why the pattern cannot be expressed.
#define SPINDLE_NO_THREAD_SAFETY_ANALYSIS SPINDLE_THREAD_ANNOTATION(no_thread_safety_analysis)
