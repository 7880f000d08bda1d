// Deliberate violations: guard_self_test.sh checks that the guard flags exactly the lines
// carrying a flag marker (each forbidden kind once) and none of the others.
#pragma once
#include <atomic> /*flag*/
#include <spindle/twist/atomic.hpp>
inline std::atomic<int> bad_counter{0}; /*flag*/
inline spindle::twist::atomic<int> good_counter{0};
inline void spawn() { std::thread t([] {}); t.join(); } /*flag*/
inline void nap() { std::this_thread::sleep_for(std::chrono::seconds(1)); } /*flag*/
inline std::mutex bad_mutex; /*flag*/
inline std::condition_variable bad_cv; /*flag*/
inline long raw_wait(int* a) { return syscall(SYS_futex, a, 0, 0, nullptr); } /*flag*/
inline void old_nap() { usleep(10); } /*flag*/
inline void older_nap() { sleep(1); } /*flag*/
inline void fine() { spindle::twist::this_thread::yield(); }  // std::mutex in a comment is fine
