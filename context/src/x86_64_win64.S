/* Context switch for Microsoft x64 (Windows; built with mingw-w64): see machine_context.hpp.
 *
 * Saved, because the Microsoft x64 calling convention makes them nonvolatile:
 *   rbx, rbp, rdi, rsi, r12-r15         the nonvolatile general registers
 *   xmm6-xmm15                          nonvolatile in full (all 128 bits)
 *   MXCSR control bits, x87 control word
 *   TEB StackBase, StackLimit, DeallocationStack (%gs:0x08, %gs:0x10, %gs:0x1478): the thread's
 *     description of "the stack". SEH exception dispatch rejects any frame outside
 *     [StackLimit, StackBase] (so a C++ throw on a context stack would go unhandled), and stack
 *     probing / stack-overflow handling read StackLimit and DeallocationStack. They describe the
 *     running context, so they switch with it.
 *   TEB ExceptionList (%gs:0): unused by x64 Windows, but wine keeps its internal __TRY frames
 *     there and consults those below the throwing frame; the thread's list must not be seen
 *     from a context's stack (switch_frame.hpp explains).
 *   rsp                                 is the context handle itself (*save_sp)
 * Not saved, on purpose:
 *   rax, rcx, rdx, r8-r11, xmm0-xmm5, the upper halves of ymm/zmm registers, flags: volatile.
 *   MXCSR exception flags, x87 status word: volatile status; the sticky MXCSR flags stay with
 *     the thread (a switch takes only the target's control bits).
 *   TEB FiberData (%gs:0x20, only for the Windows fiber API, which spindle does not use),
 *     GuaranteedStackBytes, the thread-local storage slots: they belong to the thread.
 * The frame layout (offsets) is context/include/spindle/context/detail/switch_frame.hpp.
 *
 * The switch itself has no unwind info: nothing throws or unwinds through it (a context can only
 * be entered or left by it, never by an exception). The trampoline has unwind info that ends
 * every SEH stack walk at a fresh context's first frame.
 */
#include <spindle/context/detail/switch_frame.hpp>

#if !SPINDLE_CONTEXT_ABI_X86_64_WIN64
#error "x86_64_win64.S built for another ABI: fix context/CMakeLists.txt"
#endif

        .text

/* void spindle_context_switch(void** save_sp (rcx), void* resume_sp (rdx)) */
        .globl  spindle_context_switch
        .def    spindle_context_switch; .scl 2; .type 32; .endef
        .p2align 4
spindle_context_switch:
        /* the caller's `call` pushed the resume address: the frame is the rest below it, and
           starts 16-byte aligned (the caller's rsp was aligned before its call) */
        leaq    -SPINDLE_CONTEXT_FRAME_RESUME(%rsp), %rsp
        movaps  %xmm6, SPINDLE_CONTEXT_FRAME_XMM6(%rsp)
        movaps  %xmm7, SPINDLE_CONTEXT_FRAME_XMM7(%rsp)
        movaps  %xmm8, SPINDLE_CONTEXT_FRAME_XMM8(%rsp)
        movaps  %xmm9, SPINDLE_CONTEXT_FRAME_XMM9(%rsp)
        movaps  %xmm10, SPINDLE_CONTEXT_FRAME_XMM10(%rsp)
        movaps  %xmm11, SPINDLE_CONTEXT_FRAME_XMM11(%rsp)
        movaps  %xmm12, SPINDLE_CONTEXT_FRAME_XMM12(%rsp)
        movaps  %xmm13, SPINDLE_CONTEXT_FRAME_XMM13(%rsp)
        movaps  %xmm14, SPINDLE_CONTEXT_FRAME_XMM14(%rsp)
        movaps  %xmm15, SPINDLE_CONTEXT_FRAME_XMM15(%rsp)
        stmxcsr SPINDLE_CONTEXT_FRAME_MXCSR(%rsp)
        fnstcw  SPINDLE_CONTEXT_FRAME_X87_CW(%rsp)
        movl    SPINDLE_CONTEXT_FRAME_MXCSR(%rsp), %eax     /* the current FP control state */
        movzwl  SPINDLE_CONTEXT_FRAME_X87_CW(%rsp), %r8d
        movq    %gs:SPINDLE_CONTEXT_TEB_DEALLOCATION_STACK, %r10
        movq    %r10, SPINDLE_CONTEXT_FRAME_DEALLOCATION_STACK(%rsp)
        movq    %gs:SPINDLE_CONTEXT_TEB_STACK_LIMIT, %r10
        movq    %r10, SPINDLE_CONTEXT_FRAME_STACK_LIMIT(%rsp)
        movq    %gs:SPINDLE_CONTEXT_TEB_STACK_BASE, %r10
        movq    %r10, SPINDLE_CONTEXT_FRAME_STACK_BASE(%rsp)
        movq    %gs:SPINDLE_CONTEXT_TEB_EXCEPTION_LIST, %r10
        movq    %r10, SPINDLE_CONTEXT_FRAME_EXCEPTION_LIST(%rsp)
        movq    %r12, SPINDLE_CONTEXT_FRAME_R12(%rsp)
        movq    %r13, SPINDLE_CONTEXT_FRAME_R13(%rsp)
        movq    %r14, SPINDLE_CONTEXT_FRAME_R14(%rsp)
        movq    %r15, SPINDLE_CONTEXT_FRAME_R15(%rsp)
        movq    %rdi, SPINDLE_CONTEXT_FRAME_RDI(%rsp)
        movq    %rsi, SPINDLE_CONTEXT_FRAME_RSI(%rsp)
        movq    %rbx, SPINDLE_CONTEXT_FRAME_RBX(%rsp)
        movq    %rbp, SPINDLE_CONTEXT_FRAME_RBP(%rsp)
        movq    %rsp, (%rcx)

        movq    %rdx, %rsp
        movaps  SPINDLE_CONTEXT_FRAME_XMM6(%rsp), %xmm6
        movaps  SPINDLE_CONTEXT_FRAME_XMM7(%rsp), %xmm7
        movaps  SPINDLE_CONTEXT_FRAME_XMM8(%rsp), %xmm8
        movaps  SPINDLE_CONTEXT_FRAME_XMM9(%rsp), %xmm9
        movaps  SPINDLE_CONTEXT_FRAME_XMM10(%rsp), %xmm10
        movaps  SPINDLE_CONTEXT_FRAME_XMM11(%rsp), %xmm11
        movaps  SPINDLE_CONTEXT_FRAME_XMM12(%rsp), %xmm12
        movaps  SPINDLE_CONTEXT_FRAME_XMM13(%rsp), %xmm13
        movaps  SPINDLE_CONTEXT_FRAME_XMM14(%rsp), %xmm14
        movaps  SPINDLE_CONTEXT_FRAME_XMM15(%rsp), %xmm15
        /* MXCSR: take the target's control bits, keep the current exception flags, and load
           only if that changes anything; fldcw likewise only on a change (x86_64_sysv.S
           explains why) */
        movl    SPINDLE_CONTEXT_FRAME_MXCSR(%rsp), %r9d
        xorl    %eax, %r9d
        andl    $SPINDLE_CONTEXT_MXCSR_CONTROL_MASK, %r9d
        jz      1f
        xorl    %r9d, %eax
        movl    %eax, SPINDLE_CONTEXT_FRAME_MXCSR(%rsp)
        ldmxcsr SPINDLE_CONTEXT_FRAME_MXCSR(%rsp)
1:
        cmpw    SPINDLE_CONTEXT_FRAME_X87_CW(%rsp), %r8w
        je      2f
        fldcw   SPINDLE_CONTEXT_FRAME_X87_CW(%rsp)
2:
        movq    SPINDLE_CONTEXT_FRAME_DEALLOCATION_STACK(%rsp), %r10
        movq    %r10, %gs:SPINDLE_CONTEXT_TEB_DEALLOCATION_STACK
        movq    SPINDLE_CONTEXT_FRAME_STACK_LIMIT(%rsp), %r10
        movq    %r10, %gs:SPINDLE_CONTEXT_TEB_STACK_LIMIT
        movq    SPINDLE_CONTEXT_FRAME_STACK_BASE(%rsp), %r10
        movq    %r10, %gs:SPINDLE_CONTEXT_TEB_STACK_BASE
        movq    SPINDLE_CONTEXT_FRAME_EXCEPTION_LIST(%rsp), %r10
        movq    %r10, %gs:SPINDLE_CONTEXT_TEB_EXCEPTION_LIST
        movq    SPINDLE_CONTEXT_FRAME_R12(%rsp), %r12
        movq    SPINDLE_CONTEXT_FRAME_R13(%rsp), %r13
        movq    SPINDLE_CONTEXT_FRAME_R14(%rsp), %r14
        movq    SPINDLE_CONTEXT_FRAME_R15(%rsp), %r15
        movq    SPINDLE_CONTEXT_FRAME_RDI(%rsp), %rdi
        movq    SPINDLE_CONTEXT_FRAME_RSI(%rsp), %rsi
        movq    SPINDLE_CONTEXT_FRAME_RBX(%rsp), %rbx
        movq    SPINDLE_CONTEXT_FRAME_RBP(%rsp), %rbp
        movq    SPINDLE_CONTEXT_FRAME_RESUME(%rsp), %r11
        leaq    SPINDLE_CONTEXT_FRAME_SIZE(%rsp), %rsp
        jmp     *%r11

/* spindle_context_switch_symmetric: the same function here (x86_64_sysv.S has a `ret` variant
   for symmetric transfers; this one keeps the jump, whose unwind description is known good). */
        .globl  spindle_context_switch_symmetric
        .set    spindle_context_switch_symmetric, spindle_context_switch

/* The first resume address of a fresh context. The switch left rsp at the entry area (16-byte
 * aligned; 32 bytes of shadow space, padding, a null return address), r12 = entry, r13 = arg,
 * rbp = 0. Calling from there gives the entry an aligned call with its shadow space in place.
 * The unwind info describes the entry area as this function's frame, so an SEH walk unwinds
 * from here to the null return address and the stack base, and stops. */
        .globl  spindle_context_trampoline
        .def    spindle_context_trampoline; .scl 2; .type 32; .endef
        .p2align 4
spindle_context_trampoline:
        .seh_proc spindle_context_trampoline
        .seh_stackalloc SPINDLE_CONTEXT_TRAMPOLINE_ALLOC
        .seh_endprologue
        movq    %r13, %rcx
        callq   *%r12
        /* the entry must not return */
        callq   spindle_context_entry_returned
        ud2
        .seh_endproc
