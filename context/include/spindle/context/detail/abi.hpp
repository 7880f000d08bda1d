// The one dispatch point for the machine context: which calling convention this build targets.
// Exactly one SPINDLE_CONTEXT_ABI_* macro is 1. context/CMakeLists.txt picks the matching
// assembly file (x86_64_sysv.S, x86_64_win64.S, aarch64.S), and each of those files checks
// this macro, so a mismatch between CMake's choice and the compiler's target fails the build.
//
// Pure preprocessor: included by assembly (.S) as well as C++.
#pragma once

#if defined(__x86_64__) && defined(_WIN64)
#define SPINDLE_CONTEXT_ABI_X86_64_WIN64 1
#elif defined(__x86_64__) && defined(__ELF__)
#define SPINDLE_CONTEXT_ABI_X86_64_SYSV 1
#elif defined(__aarch64__) && defined(__ELF__)
#define SPINDLE_CONTEXT_ABI_AARCH64 1
#else
#error "spindle/context: no context switch for this target (x86-64 ELF, x86-64 Windows, aarch64 ELF)"
#endif

#ifndef SPINDLE_CONTEXT_ABI_X86_64_SYSV
#define SPINDLE_CONTEXT_ABI_X86_64_SYSV 0
#endif
#ifndef SPINDLE_CONTEXT_ABI_X86_64_WIN64
#define SPINDLE_CONTEXT_ABI_X86_64_WIN64 0
#endif
#ifndef SPINDLE_CONTEXT_ABI_AARCH64
#define SPINDLE_CONTEXT_ABI_AARCH64 0
#endif
