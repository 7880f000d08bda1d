/* Context switch for aarch64 (AAPCS64, Linux and other ELF targets): see machine_context.hpp.
 *
 * Saved, because AAPCS64 makes them callee-saved:
 *   x19-x28                            the callee-saved general registers
 *   x29 (fp), x30 (lr)                 frame pointer; lr is the resume address
 *   d8-d15                             the low 64 bits of v8-v15 (only those are callee-saved)
 *   FPCR                               rounding mode, flush-to-zero, default-NaN: preserved
 *                                      across calls unless a function's contract says otherwise
 *   sp                                 is the context handle itself (*save_sp)
 * Not saved, on purpose:
 *   x0-x18, the upper 64 bits of v8-v15, v0-v7, v16-v31, NZCV: caller-saved (x18, the platform
 *     register, is caller-saved on Linux; nothing here uses it).
 *   FPSR: cumulative exception flags, caller-saved status.
 *   tpidr_el0 (thread pointer), the signal mask: belong to the thread.
 *   Pointer-authentication state: lr is saved and restored as it is, signed or not; the switch
 *     itself neither signs nor authenticates (it is entered by `bl` and leaves by `ret`, so it
 *     needs no BTI landing pad except for the trampoline, which is reached by `ret`).
 * The frame layout (offsets) is context/include/spindle/context/detail/switch_frame.hpp.
 *
 * FPCR is written only when it differs: an msr to FPCR can be slow (self-synchronising on some
 * cores), and contexts almost always share one FP mode, so the compare-and-skip is the cheap path.
 */
#include <spindle/context/detail/switch_frame.hpp>

#if !SPINDLE_CONTEXT_ABI_AARCH64
#error "aarch64.S built for another ABI: fix context/CMakeLists.txt"
#endif

        .text

/* void spindle_context_switch(void** save_sp (x0), void* resume_sp (x1)) */
        .globl  spindle_context_switch
        .type   spindle_context_switch, %function
        .p2align 4
spindle_context_switch:
        .cfi_startproc
        sub     sp, sp, #SPINDLE_CONTEXT_FRAME_SIZE
        .cfi_adjust_cfa_offset SPINDLE_CONTEXT_FRAME_SIZE
        stp     d8, d9, [sp, #SPINDLE_CONTEXT_FRAME_D8]
        stp     d10, d11, [sp, #SPINDLE_CONTEXT_FRAME_D10]
        stp     d12, d13, [sp, #SPINDLE_CONTEXT_FRAME_D12]
        stp     d14, d15, [sp, #SPINDLE_CONTEXT_FRAME_D14]
        stp     x19, x20, [sp, #SPINDLE_CONTEXT_FRAME_X19]
        stp     x21, x22, [sp, #SPINDLE_CONTEXT_FRAME_X21]
        stp     x23, x24, [sp, #SPINDLE_CONTEXT_FRAME_X23]
        stp     x25, x26, [sp, #SPINDLE_CONTEXT_FRAME_X25]
        stp     x27, x28, [sp, #SPINDLE_CONTEXT_FRAME_X27]
        stp     x29, x30, [sp, #SPINDLE_CONTEXT_FRAME_FP]
        mrs     x9, fpcr
        str     x9, [sp, #SPINDLE_CONTEXT_FRAME_FPCR]
        mov     x10, sp
        str     x10, [x0]

        mov     sp, x1
        ldr     x10, [sp, #SPINDLE_CONTEXT_FRAME_FPCR]
        cmp     x9, x10
        b.eq    1f
        msr     fpcr, x10
1:
        ldp     d8, d9, [sp, #SPINDLE_CONTEXT_FRAME_D8]
        ldp     d10, d11, [sp, #SPINDLE_CONTEXT_FRAME_D10]
        ldp     d12, d13, [sp, #SPINDLE_CONTEXT_FRAME_D12]
        ldp     d14, d15, [sp, #SPINDLE_CONTEXT_FRAME_D14]
        ldp     x19, x20, [sp, #SPINDLE_CONTEXT_FRAME_X19]
        ldp     x21, x22, [sp, #SPINDLE_CONTEXT_FRAME_X21]
        ldp     x23, x24, [sp, #SPINDLE_CONTEXT_FRAME_X23]
        ldp     x25, x26, [sp, #SPINDLE_CONTEXT_FRAME_X25]
        ldp     x27, x28, [sp, #SPINDLE_CONTEXT_FRAME_X27]
        ldp     x29, x30, [sp, #SPINDLE_CONTEXT_FRAME_FP]
        add     sp, sp, #SPINDLE_CONTEXT_FRAME_SIZE
        .cfi_adjust_cfa_offset -SPINDLE_CONTEXT_FRAME_SIZE
        ret
        .cfi_endproc
        .size   spindle_context_switch, .-spindle_context_switch

/* spindle_context_switch_symmetric: the same function. This switch already leaves by `ret`, so
   the return-address predictor stays in step for symmetric transfers too (x86_64_sysv.S says
   why that matters). */
        .globl  spindle_context_switch_symmetric
        .type   spindle_context_switch_symmetric, %function
        .set    spindle_context_switch_symmetric, spindle_context_switch

/* The first resume address of a fresh context. The switch left sp at the 16-byte aligned top of
 * the stack, x19 = entry, x20 = arg, x29 = 0 (so frame-record chains end here). */
        .globl  spindle_context_trampoline
        .type   spindle_context_trampoline, %function
        .p2align 4
spindle_context_trampoline:
        .cfi_startproc
        .cfi_undefined x30      /* the outermost frame: unwinders and debuggers stop here */
        mov     x0, x20
        blr     x19
        /* the entry must not return */
        bl      spindle_context_entry_returned
        brk     #0
        .cfi_endproc
        .size   spindle_context_trampoline, .-spindle_context_trampoline

        .section .note.GNU-stack,"",%progbits
