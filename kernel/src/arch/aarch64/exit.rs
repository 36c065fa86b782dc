//! Leaving the VM with an exit code: the exit record on the log (the runner takes the
//! code from it), then PSCI `SYSTEM_OFF`, which ends QEMU. Nothing else carries the code
//! out: QEMU's own exit status is 0 either way.

pub fn exit_vm(code: i32) -> ! {
    crate::console::exit_record(code);
    super::platform::psci_system_off();
    // SYSTEM_OFF returned (no PSCI): the record is out, the runner ends QEMU after its
    // grace period.
    super::cpu::halt_forever()
}
