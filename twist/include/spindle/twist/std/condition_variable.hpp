// std backend of twist/condition_variable.hpp: for user test code only. Waits take
// std::unique_lock<twist::mutex>, as with the standard type.
#pragma once

#include <condition_variable>

#include <spindle/twist/mutex.hpp>

namespace spindle::twist {

using condition_variable = std::condition_variable;

}  // namespace spindle::twist
