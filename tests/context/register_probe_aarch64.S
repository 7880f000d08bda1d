/* Test-only assembly for aarch64: see register_probe.hpp. */
#include "register_probe.hpp"

#if !SPINDLE_CONTEXT_ABI_AARCH64
#error "register_probe_aarch64.S built for another ABI"
#endif

/* Our own frame (176 bytes, sp stays 16-byte aligned):
 *   0: caller's x29, x30; 16..95: caller's x19-x28; 96..159: caller's d8-d15;
 *   160: caller's FPCR; 168: the switch_call pointer */
#define OWN_FPCR 160
#define OWN_CALL 168
#define OWN_SIZE 176
/* value table: x19..x28 (0..72), x29 (80), d8..d15 (88..144), FPCR (152) */
#define VALUE_X29 80
#define VALUE_FPCR 152

        .text
        .globl  spindle_test_switch_with_values
        .type   spindle_test_switch_with_values, %function
        .p2align 4
spindle_test_switch_with_values:
        stp     x29, x30, [sp, #-OWN_SIZE]!
        stp     x19, x20, [sp, #16]
        stp     x21, x22, [sp, #32]
        stp     x23, x24, [sp, #48]
        stp     x25, x26, [sp, #64]
        stp     x27, x28, [sp, #80]
        stp     d8, d9, [sp, #96]
        stp     d10, d11, [sp, #112]
        stp     d12, d13, [sp, #128]
        stp     d14, d15, [sp, #144]
        mrs     x9, fpcr
        str     x9, [sp, #OWN_FPCR]
        str     x0, [sp, #OWN_CALL]

        ldr     x9, [x0, #SPINDLE_TEST_CALL_VALUES_IN]
        ldp     x19, x20, [x9, #0]
        ldp     x21, x22, [x9, #16]
        ldp     x23, x24, [x9, #32]
        ldp     x25, x26, [x9, #48]
        ldp     x27, x28, [x9, #64]
        ldr     x29, [x9, #VALUE_X29]
        ldp     d8, d9, [x9, #88]
        ldp     d10, d11, [x9, #104]
        ldp     d12, d13, [x9, #120]
        ldp     d14, d15, [x9, #136]
        ldr     x10, [x9, #VALUE_FPCR]
        msr     fpcr, x10

        ldr     x10, [x0, #SPINDLE_TEST_CALL_SWITCH_FN]
        ldr     x1, [x0, #SPINDLE_TEST_CALL_TO]
        ldr     x0, [x0, #SPINDLE_TEST_CALL_FROM]
        blr     x10

        ldr     x9, [sp, #OWN_CALL]
        ldr     x9, [x9, #SPINDLE_TEST_CALL_VALUES_OUT]
        stp     x19, x20, [x9, #0]
        stp     x21, x22, [x9, #16]
        stp     x23, x24, [x9, #32]
        stp     x25, x26, [x9, #48]
        stp     x27, x28, [x9, #64]
        str     x29, [x9, #VALUE_X29]
        stp     d8, d9, [x9, #88]
        stp     d10, d11, [x9, #104]
        stp     d12, d13, [x9, #120]
        stp     d14, d15, [x9, #136]
        mrs     x10, fpcr
        str     x10, [x9, #VALUE_FPCR]

        ldr     x10, [sp, #OWN_FPCR]
        msr     fpcr, x10
        ldp     x19, x20, [sp, #16]
        ldp     x21, x22, [sp, #32]
        ldp     x23, x24, [sp, #48]
        ldp     x25, x26, [sp, #64]
        ldp     x27, x28, [sp, #80]
        ldp     d8, d9, [sp, #96]
        ldp     d10, d11, [sp, #112]
        ldp     d12, d13, [sp, #128]
        ldp     d14, d15, [sp, #144]
        ldp     x29, x30, [sp], #OWN_SIZE
        ret
        .size   spindle_test_switch_with_values, .-spindle_test_switch_with_values

        .globl  spindle_test_entry_sp_probe
        .type   spindle_test_entry_sp_probe, %function
        .p2align 4
spindle_test_entry_sp_probe:
        mov     x9, sp
        str     x9, [x0, #SPINDLE_TEST_PROBE_ENTRY_SP]
        ldr     x9, [x0, #SPINDLE_TEST_PROBE_CONTINUATION]
        br      x9
        .size   spindle_test_entry_sp_probe, .-spindle_test_entry_sp_probe

        .section .note.GNU-stack,"",%progbits
