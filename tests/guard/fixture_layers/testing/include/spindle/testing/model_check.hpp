// fixture: the testing layer may use the facade, not the toolbox
#pragma once
#include <spindle/twist/atomic.hpp>
#include <spindle/exec/pool.hpp> /*flag*/
