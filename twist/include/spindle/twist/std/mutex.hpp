// std backend of twist/mutex.hpp: for user test code only (toolbox code builds its own
// primitives on futex). In std mode it is std::mutex.
#pragma once

#include <mutex>

namespace spindle::twist {

using mutex = std::mutex;

}  // namespace spindle::twist
