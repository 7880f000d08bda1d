/* Test-only assembly for Microsoft x64: see register_probe.hpp. */
#include "register_probe.hpp"

#if !SPINDLE_CONTEXT_ABI_X86_64_WIN64
#error "register_probe_x86_64_win64.S built for another ABI"
#endif

/* Our own frame, below the eight pushed nonvolatile registers (64 bytes):
 *   0x00: shadow space for the inner call, 0x20: the switch_call pointer,
 *   0x28: caller's MXCSR, 0x2C: caller's x87 control word, 0x30: caller's xmm6-xmm15,
 *   0xD0: padding. 64 + 0xD8 keeps rsp 16-byte aligned at the inner call. */
#define OWN_CALL 0x20
#define OWN_MXCSR 0x28
#define OWN_X87_CW 0x2C
#define OWN_XMM 0x30
#define OWN_SIZE 0xD8
/* value table: 8 general registers, then MXCSR, x87 CW, then xmm6..xmm15 */
#define VALUE_MXCSR 64
#define VALUE_X87_CW 72

        .text
        .globl  spindle_test_switch_with_values
        .def    spindle_test_switch_with_values; .scl 2; .type 32; .endef
        .p2align 4
spindle_test_switch_with_values:
        pushq   %rbx
        pushq   %rbp
        pushq   %rdi
        pushq   %rsi
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        subq    $OWN_SIZE, %rsp
        movaps  %xmm6, OWN_XMM+0(%rsp)
        movaps  %xmm7, OWN_XMM+16(%rsp)
        movaps  %xmm8, OWN_XMM+32(%rsp)
        movaps  %xmm9, OWN_XMM+48(%rsp)
        movaps  %xmm10, OWN_XMM+64(%rsp)
        movaps  %xmm11, OWN_XMM+80(%rsp)
        movaps  %xmm12, OWN_XMM+96(%rsp)
        movaps  %xmm13, OWN_XMM+112(%rsp)
        movaps  %xmm14, OWN_XMM+128(%rsp)
        movaps  %xmm15, OWN_XMM+144(%rsp)
        stmxcsr OWN_MXCSR(%rsp)
        fnstcw  OWN_X87_CW(%rsp)
        movq    %rcx, OWN_CALL(%rsp)

        movq    SPINDLE_TEST_CALL_VALUES_IN(%rcx), %rax
        movq    0(%rax), %rbx
        movq    8(%rax), %rbp
        movq    16(%rax), %rdi
        movq    24(%rax), %rsi
        movq    32(%rax), %r12
        movq    40(%rax), %r13
        movq    48(%rax), %r14
        movq    56(%rax), %r15
        ldmxcsr VALUE_MXCSR(%rax)
        fldcw   VALUE_X87_CW(%rax)
        movups  80(%rax), %xmm6
        movups  96(%rax), %xmm7
        movups  112(%rax), %xmm8
        movups  128(%rax), %xmm9
        movups  144(%rax), %xmm10
        movups  160(%rax), %xmm11
        movups  176(%rax), %xmm12
        movups  192(%rax), %xmm13
        movups  208(%rax), %xmm14
        movups  224(%rax), %xmm15

        movq    SPINDLE_TEST_CALL_SWITCH_FN(%rcx), %rax
        movq    SPINDLE_TEST_CALL_TO(%rcx), %rdx
        movq    SPINDLE_TEST_CALL_FROM(%rcx), %rcx
        callq   *%rax

        movq    OWN_CALL(%rsp), %rcx
        movq    SPINDLE_TEST_CALL_VALUES_OUT(%rcx), %rax
        movq    %rbx, 0(%rax)
        movq    %rbp, 8(%rax)
        movq    %rdi, 16(%rax)
        movq    %rsi, 24(%rax)
        movq    %r12, 32(%rax)
        movq    %r13, 40(%rax)
        movq    %r14, 48(%rax)
        movq    %r15, 56(%rax)
        movq    $0, VALUE_MXCSR(%rax)
        stmxcsr VALUE_MXCSR(%rax)
        movq    $0, VALUE_X87_CW(%rax)
        fnstcw  VALUE_X87_CW(%rax)
        movups  %xmm6, 80(%rax)
        movups  %xmm7, 96(%rax)
        movups  %xmm8, 112(%rax)
        movups  %xmm9, 128(%rax)
        movups  %xmm10, 144(%rax)
        movups  %xmm11, 160(%rax)
        movups  %xmm12, 176(%rax)
        movups  %xmm13, 192(%rax)
        movups  %xmm14, 208(%rax)
        movups  %xmm15, 224(%rax)

        ldmxcsr OWN_MXCSR(%rsp)
        fldcw   OWN_X87_CW(%rsp)
        movaps  OWN_XMM+0(%rsp), %xmm6
        movaps  OWN_XMM+16(%rsp), %xmm7
        movaps  OWN_XMM+32(%rsp), %xmm8
        movaps  OWN_XMM+48(%rsp), %xmm9
        movaps  OWN_XMM+64(%rsp), %xmm10
        movaps  OWN_XMM+80(%rsp), %xmm11
        movaps  OWN_XMM+96(%rsp), %xmm12
        movaps  OWN_XMM+112(%rsp), %xmm13
        movaps  OWN_XMM+128(%rsp), %xmm14
        movaps  OWN_XMM+144(%rsp), %xmm15
        addq    $OWN_SIZE, %rsp
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rsi
        popq    %rdi
        popq    %rbp
        popq    %rbx
        ret

        .globl  spindle_test_entry_sp_probe
        .def    spindle_test_entry_sp_probe; .scl 2; .type 32; .endef
        .p2align 4
spindle_test_entry_sp_probe:
        movq    %rsp, SPINDLE_TEST_PROBE_ENTRY_SP(%rcx)
        jmpq    *SPINDLE_TEST_PROBE_CONTINUATION(%rcx)
