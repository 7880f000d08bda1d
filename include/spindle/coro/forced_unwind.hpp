// The exception that unwinds a suspended coroutine when its owner destroys it.
#pragma once

namespace spindle::coro {

// Thrown out of coro::suspend() inside a coroutine that is being destroyed while suspended,
// so that the body's destructors run before its stack goes away. It deliberately derives from
// nothing: `catch (const std::exception&)` does not stop it. A body that catches it with
// `catch (...)` must rethrow it; swallowing it and suspending again (or throwing something
// else instead) is a usage error that aborts with a message.
struct forced_unwind {};

}  // namespace spindle::coro
