// fixture: the facade may use the simulator; a header no layer holds is flagged too
#pragma once
#include <spindle/sim/trap.hpp>
#include <spindle/twist/missing.hpp> /*flag*/
