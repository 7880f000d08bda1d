// fixture: a base header that reaches up into the facade
#pragma once
#include <spindle/base/build_config.hpp>
#include <spindle/twist/atomic.hpp> /*flag*/
