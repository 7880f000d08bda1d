/* Test-only assembly for x86-64 System V: see register_probe.hpp. */
#include "register_probe.hpp"

#if !SPINDLE_CONTEXT_ABI_X86_64_SYSV
#error "register_probe_x86_64_sysv.S built for another ABI"
#endif

/* Our own frame, below the six pushed callee-saved registers:
 *   0: caller's MXCSR, 4: caller's x87 control word, 8: the switch_call pointer, 16: padding
 * Six pushes (48) plus 24 keep rsp 16-byte aligned at the inner call. */
#define OWN_MXCSR 0
#define OWN_X87_CW 4
#define OWN_CALL 8
#define OWN_SIZE 24

        .text
        .globl  spindle_test_switch_with_values
        .type   spindle_test_switch_with_values, @function
        .p2align 4
spindle_test_switch_with_values:
        pushq   %rbp
        pushq   %rbx
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        subq    $OWN_SIZE, %rsp
        stmxcsr OWN_MXCSR(%rsp)
        fnstcw  OWN_X87_CW(%rsp)
        movq    %rdi, OWN_CALL(%rsp)

        movq    SPINDLE_TEST_CALL_VALUES_IN(%rdi), %rax
        movq    0(%rax), %rbx
        movq    8(%rax), %rbp
        movq    16(%rax), %r12
        movq    24(%rax), %r13
        movq    32(%rax), %r14
        movq    40(%rax), %r15
        ldmxcsr 48(%rax)
        fldcw   56(%rax)

        movq    SPINDLE_TEST_CALL_SWITCH_FN(%rdi), %rax
        movq    SPINDLE_TEST_CALL_TO(%rdi), %rsi
        movq    SPINDLE_TEST_CALL_FROM(%rdi), %rdi
        callq   *%rax

        movq    OWN_CALL(%rsp), %rdi
        movq    SPINDLE_TEST_CALL_VALUES_OUT(%rdi), %rax
        movq    %rbx, 0(%rax)
        movq    %rbp, 8(%rax)
        movq    %r12, 16(%rax)
        movq    %r13, 24(%rax)
        movq    %r14, 32(%rax)
        movq    %r15, 40(%rax)
        movq    $0, 48(%rax)
        stmxcsr 48(%rax)
        movq    $0, 56(%rax)
        fnstcw  56(%rax)

        ldmxcsr OWN_MXCSR(%rsp)
        fldcw   OWN_X87_CW(%rsp)
        addq    $OWN_SIZE, %rsp
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbx
        popq    %rbp
        ret
        .size   spindle_test_switch_with_values, .-spindle_test_switch_with_values

        .globl  spindle_test_entry_sp_probe
        .type   spindle_test_entry_sp_probe, @function
        .p2align 4
spindle_test_entry_sp_probe:
        movq    %rsp, SPINDLE_TEST_PROBE_ENTRY_SP(%rdi)
        jmpq    *SPINDLE_TEST_PROBE_CONTINUATION(%rdi)
        .size   spindle_test_entry_sp_probe, .-spindle_test_entry_sp_probe

        .section .note.GNU-stack,"",@progbits
