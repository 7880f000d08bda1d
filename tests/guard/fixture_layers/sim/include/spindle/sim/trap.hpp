// fixture: the simulator may use context and base; testing sits above it
#pragma once
#include <spindle/context/stack.hpp>
#include <spindle/base/config.hpp>
  #  include <spindle/testing/model_check.hpp> /*flag*/
