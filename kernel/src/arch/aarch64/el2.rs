//! Leaving EL2 for EL1: QEMU starts every CPU at EL2 with `-M virt,virtualization=on` (the
//! boot CPU at `_start`, the others where PSCI `CPU_ON` sends them), and the kernel runs
//! at EL1. `eremit_leave_el2` (called with `bl`, MMU off, from `entry` and `smp`) returns
//! to its caller at EL1 with every exception masked; at EL1 it just returns. It uses
//! only x9 and x10, so x0 (the device tree, the CPU's number) survives.
//!
//! Before the `eret` EL2 gives EL1 the machine as it would be without EL2: EL1 runs
//! AArch64 and takes its own interrupts (HCR_EL2: RW, and not IMO/FMO, which would send
//! IRQs to EL2 and `ICC_IAR1_EL1` to the virtual CPU interface); the counters and timers
//! untrapped with no virtual offset (CNTHCTL_EL2, CNTVOFF_EL2) and EL2's own timer off;
//! FP/SIMD untrapped (CPTR_EL2); debug exceptions (BRK: crash reports) and the PMU left
//! to EL1 (MDCR_EL2); `MIDR_EL1`/`MPIDR_EL1` read at EL1 the real values (VPIDR_EL2,
//! VMPIDR_EL2: GICv3 finds a CPU's redistributor by its affinity); with a GICv3 CPU
//! interface, EL1 may use its system registers (ICC_SRE_EL2.{SRE, Enable}).

use core::arch::global_asm;

global_asm!(
    r#"
    .section .text.eremit_boot, "ax"
    .global eremit_leave_el2
    eremit_leave_el2:
    mrs x9, CurrentEL
    cmp x9, #(2 << 2)
    b.eq 1f
    ret
    1:
    mov x9, #(1 << 31)
    msr hcr_el2, x9
    // CNTHCTL_EL2: EL1PCTEN and EL1PCEN; nothing else (with FEAT_ECV: no trapped virtual
    // counter or timer, no counter offset).
    mov x9, #3
    msr cnthctl_el2, x9
    msr cntvoff_el2, xzr
    msr cnthp_ctl_el2, xzr
    mrs x9, midr_el1
    msr vpidr_el2, x9
    mrs x9, mpidr_el1
    msr vmpidr_el2, x9
    // CPTR_EL2: clear TFP (FP/SIMD) and TCPAC (CPACR_EL1 accesses); RES1 bits kept.
    mrs x9, cptr_el2
    bic x9, x9, #(1 << 10)
    bic x9, x9, #(1 << 31)
    msr cptr_el2, x9
    // MDCR_EL2: no debug or PMU traps (TDE, TDA, TPM... zero), every PMU counter EL1's
    // (HPMN = PMCR_EL0.N; PMCR_EL0 exists only with FEAT_PMUv3, PMUVer 1-14).
    mov x10, xzr
    mrs x9, id_aa64dfr0_el1
    ubfx x9, x9, #8, #4
    cbz x9, 2f
    cmp x9, #0xf
    b.eq 2f
    mrs x10, pmcr_el0
    ubfx x10, x10, #11, #5
    2:
    msr mdcr_el2, x10
    // ID_AA64PFR0_EL1.GIC: a GICv3 CPU interface (system registers) is there.
    mrs x9, id_aa64pfr0_el1
    ubfx x9, x9, #24, #4
    cbz x9, 3f
    mrs x9, S3_4_C12_C9_5 // ICC_SRE_EL2
    orr x9, x9, #(1 << 0) // SRE
    orr x9, x9, #(1 << 3) // Enable: EL1's ICC_SRE_EL1 accesses not trapped
    msr S3_4_C12_C9_5, x9
    isb
    3:
    // EL1h, D, A, I and F masked, returning to the caller.
    mov x9, #0x3c5
    msr spsr_el2, x9
    msr elr_el2, x30
    eret
    "#
);
