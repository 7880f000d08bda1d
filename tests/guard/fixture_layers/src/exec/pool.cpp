// fixture: toolbox sources too
#include <spindle/exec/pool.hpp>
#include "local.hpp"
