// fixture: context may use base, not the simulator
#pragma once
#include <spindle/base/config.hpp>
#include <spindle/sim/trap.hpp> /*flag*/
