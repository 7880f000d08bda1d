// Shared by ndebug_mix_test.cpp (asserts on) and ndebug_mix_release.cpp (built with NDEBUG):
// the same node handled by code compiled both ways must stay consistent (forward_hook FH.INV2).
#pragma once

#include <spindle/core/intrusive/forward_list.hpp>

namespace ndebug_mix {

struct node : spindle::core::intrusive::forward_hook<> {};
using list = spindle::core::intrusive::forward_list<node>;

// Defined in the NDEBUG translation unit.
node* pop_front_release(list& l);
void clear_release(list& l);

}  // namespace ndebug_mix
