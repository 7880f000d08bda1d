// std backend of twist/thread.hpp: OS threads, unchanged.
#pragma once

#include <thread>

namespace spindle::twist {

using thread = std::thread;

namespace this_thread {
using std::this_thread::get_id;
using std::this_thread::sleep_for;
using std::this_thread::yield;
}  // namespace this_thread

}  // namespace spindle::twist
