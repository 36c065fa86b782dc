//! Leaving the VM with an exit code: the exit record on the log (which the runner reads),
//! then semihosting's exit, which makes QEMU exit with the code itself.

pub fn exit_vm(code: i32) -> ! {
    crate::console::exit_record(code);
    super::semihosting::exit(code);
    // Semihosting off (QEMU started by hand): PSCI SYSTEM_OFF; the record has the code.
    super::platform::psci_system_off();
    super::cpu::halt_forever()
}
