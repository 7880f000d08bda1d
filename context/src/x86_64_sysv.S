/* Context switch for x86-64 System V (Linux, the BSDs): see machine_context.hpp for the API.
 *
 * Saved, because the System V psABI makes them callee-saved (preserved across a call):
 *   rbx, rbp, r12, r13, r14, r15       the callee-saved general registers
 *   MXCSR                              for its control bits (rounding, FZ, DAZ, masks)
 *   x87 control word                   (precision, rounding, masks)
 *   rsp                                is the context handle itself (*save_sp)
 * Not saved, on purpose:
 *   rax, rcx, rdx, rsi, rdi, r8-r11, all xmm/ymm/zmm registers, the x87 register stack, flags:
 *     caller-saved; the compiler already assumes a call clobbers them.
 *   MXCSR exception flags, x87 status word: caller-saved status. The sticky MXCSR flags stay
 *     with the thread: a switch takes only the target's control bits.
 *   fs base (thread pointer), signal mask: belong to the thread, not to the context.
 * The frame layout (offsets) is context/include/spindle/context/detail/switch_frame.hpp.
 *
 * FP control: ldmxcsr (and fldcw) are cheap only when the value does not change; a changing
 * load costs tens of nanoseconds. Restoring MXCSR whole would make two contexts whose sticky
 * exception flags differ (one did inexact arithmetic, one did none) pay that on every switch,
 * forever, so the flags are left alone and each load is skipped when nothing would change.
 *
 * Speed: a switch is about 10 stores, 10 loads, two not-taken branches and one indirect branch;
 * no syscall. Two entry points share the body and differ in how they leave, for the CPU's
 * branch predictors:
 *   spindle_context_switch            pops the resume address and jumps to it, as Boost.Context
 *       does. For the asymmetric pattern (a resumer and a coroutine switching back and forth
 *       from different call sites) the indirect-branch predictor learns the alternation; a
 *       `ret` would be predicted from the return-stack predictor, wrongly every time (a
 *       switch round trip measured 6 ns with the jump, 26 ns with `ret`).
 *   spindle_context_switch_symmetric  leaves by `ret`, which consumes the prediction the
 *       caller's `call` pushed. When the target suspended through the same call chain as the
 *       caller — fibers handing off to each other (fiber/detail/fiber_block.hpp, HANDOFF) —
 *       that prediction and every one below it are right, where the jump would leave them off
 *       by one and every return after the switch would mispredict (a channel ping-pong round
 *       trip: 133 ns with the jump, 97 ns with `ret`).
 * Neither is meant for CET shadow stacks: this file carries no shadow-stack property note, so
 * binaries that contain it run with them off.
 */
#include <spindle/context/detail/switch_frame.hpp>

#if !SPINDLE_CONTEXT_ABI_X86_64_SYSV
#error "x86_64_sysv.S built for another ABI: fix context/CMakeLists.txt"
#endif

        .text

.macro SPINDLE_SWITCH_BODY
        leaq    -SPINDLE_CONTEXT_FRAME_RESUME(%rsp), %rsp
        .cfi_adjust_cfa_offset SPINDLE_CONTEXT_FRAME_RESUME
        stmxcsr SPINDLE_CONTEXT_FRAME_MXCSR(%rsp)
        fnstcw  SPINDLE_CONTEXT_FRAME_X87_CW(%rsp)
        movl    SPINDLE_CONTEXT_FRAME_MXCSR(%rsp), %eax     /* the current FP control state */
        movzwl  SPINDLE_CONTEXT_FRAME_X87_CW(%rsp), %edx
        movq    %r12, SPINDLE_CONTEXT_FRAME_R12(%rsp)
        movq    %r13, SPINDLE_CONTEXT_FRAME_R13(%rsp)
        movq    %r14, SPINDLE_CONTEXT_FRAME_R14(%rsp)
        movq    %r15, SPINDLE_CONTEXT_FRAME_R15(%rsp)
        movq    %rbx, SPINDLE_CONTEXT_FRAME_RBX(%rsp)
        movq    %rbp, SPINDLE_CONTEXT_FRAME_RBP(%rsp)
        movq    %rsp, (%rdi)

        movq    %rsi, %rsp
        /* MXCSR: take the target's control bits, keep the current exception flags, and load
           only if that changes anything (see "FP control" above) */
        movl    SPINDLE_CONTEXT_FRAME_MXCSR(%rsp), %ecx
        xorl    %eax, %ecx
        andl    $SPINDLE_CONTEXT_MXCSR_CONTROL_MASK, %ecx
        jz      1f
        xorl    %ecx, %eax
        movl    %eax, SPINDLE_CONTEXT_FRAME_MXCSR(%rsp)
        ldmxcsr SPINDLE_CONTEXT_FRAME_MXCSR(%rsp)
1:
        cmpw    SPINDLE_CONTEXT_FRAME_X87_CW(%rsp), %dx
        je      2f
        fldcw   SPINDLE_CONTEXT_FRAME_X87_CW(%rsp)
2:
        movq    SPINDLE_CONTEXT_FRAME_R12(%rsp), %r12
        movq    SPINDLE_CONTEXT_FRAME_R13(%rsp), %r13
        movq    SPINDLE_CONTEXT_FRAME_R14(%rsp), %r14
        movq    SPINDLE_CONTEXT_FRAME_R15(%rsp), %r15
        movq    SPINDLE_CONTEXT_FRAME_RBX(%rsp), %rbx
        movq    SPINDLE_CONTEXT_FRAME_RBP(%rsp), %rbp
.endm

/* void spindle_context_switch(void** save_sp (rdi), void* resume_sp (rsi)) */
        .globl  spindle_context_switch
        .type   spindle_context_switch, @function
        .p2align 4
spindle_context_switch:
        .cfi_startproc
        SPINDLE_SWITCH_BODY
        movq    SPINDLE_CONTEXT_FRAME_RESUME(%rsp), %rcx
        leaq    SPINDLE_CONTEXT_FRAME_SIZE(%rsp), %rsp
        .cfi_adjust_cfa_offset -SPINDLE_CONTEXT_FRAME_SIZE
        .cfi_register rip, rcx
        jmp     *%rcx
        .cfi_endproc
        .size   spindle_context_switch, .-spindle_context_switch

/* void spindle_context_switch_symmetric(void** save_sp (rdi), void* resume_sp (rsi)): the same
   switch, left by `ret` (see "Speed" above) */
        .globl  spindle_context_switch_symmetric
        .type   spindle_context_switch_symmetric, @function
        .p2align 4
spindle_context_switch_symmetric:
        .cfi_startproc
        SPINDLE_SWITCH_BODY
        leaq    SPINDLE_CONTEXT_FRAME_RESUME(%rsp), %rsp
        .cfi_adjust_cfa_offset -SPINDLE_CONTEXT_FRAME_RESUME
        ret
        .cfi_endproc
        .size   spindle_context_switch_symmetric, .-spindle_context_switch_symmetric

/* The first resume address of a fresh context. The switch left rsp at the 16-byte aligned top
 * of the stack (just above the prepared frame), r12 = entry, r13 = arg, rbp = 0. Calling from an
 * aligned rsp gives the entry the ABI's rsp % 16 == 8 at its first instruction. */
        .globl  spindle_context_trampoline
        .type   spindle_context_trampoline, @function
        .p2align 4
spindle_context_trampoline:
        .cfi_startproc
        .cfi_undefined rip      /* the outermost frame: unwinders and debuggers stop here */
        movq    %r13, %rdi
        callq   *%r12
        /* the entry must not return */
        callq   spindle_context_entry_returned@PLT
        ud2
        .cfi_endproc
        .size   spindle_context_trampoline, .-spindle_context_trampoline

        .section .note.GNU-stack,"",@progbits
