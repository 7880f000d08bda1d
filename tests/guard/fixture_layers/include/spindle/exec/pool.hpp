// fixture: the toolbox may use every layer below it
#pragma once
#include <spindle/twist/atomic.hpp>
#include <spindle/context/stack.hpp>
#include <spindle/testing/model_check.hpp>
