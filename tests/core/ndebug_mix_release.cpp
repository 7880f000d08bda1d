// Compiled with NDEBUG (see CMakeLists.txt): the release half of ndebug_mix_test.cpp.
#include "ndebug_mix.hpp"

#ifndef NDEBUG
#error "this file must be compiled with NDEBUG"
#endif

namespace ndebug_mix {

node* pop_front_release(list& l) { return l.pop_front(); }
void clear_release(list& l) { l.clear(); }

}  // namespace ndebug_mix
