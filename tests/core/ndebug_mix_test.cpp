// A node removed by code built with NDEBUG is unlinked for code built without it: the link
// representation does not depend on NDEBUG (forward_hook FH.INV2), only the checks do.
#include <gtest/gtest.h>

#include "ndebug_mix.hpp"

namespace ndebug_mix {

TEST(IntrusiveNdebugMix, NodePoppedByReleaseCodeCanBePushedByCheckedCode) {
  list l;
  node a;
  l.push_back(a);
  ASSERT_EQ(pop_front_release(l), &a);
  l.push_back(a);  // would report a false "double insertion" if release code skipped the mark
  EXPECT_EQ(l.pop_front(), &a);
}

TEST(IntrusiveNdebugMix, NodesClearedByReleaseCodeCanBeDestroyedByCheckedCode) {
  list l;
  {
    node a, b;
    l.push_back(a);
    l.push_back(b);
    clear_release(l);
    EXPECT_TRUE(l.empty());
  }  // ~forward_link asserts the nodes are unlinked
  SUCCEED();
}

}  // namespace ndebug_mix
