/* The fuzzer's calls of every function in include/hermit/syscall.h, with adversarial
 * arguments from fuzz.h's pickers. Left out, and why (README.md in this directory):
 * sys_exit and sys_abort end the program. Limited to arguments that cannot block
 * forever or corrupt the program's own state by design (as they would on Linux too):
 * memory calls (sys_dealloc, sys_free, sys_realloc, sys_munmap) get null or what the
 * matching allocation returned, never a made-up pointer (freeing one is the
 * application's bug, not a boundary check); sys_freeaddrinfo gets anything; tasks run a real function;
 * sys_join only ids that are no task (or tasks the fuzzer spawned); waits always have a
 * short or invalid timeout; blocking reads happen on descriptors that cannot block.
 *
 * The calls live in one file a family: fuzz_sys_mem.c, fuzz_sys_net.c, fuzz_sys_fs.c,
 * fuzz_sys_io.c and fuzz_sys_task.c; fuzz_sys.h lists them all. */

#include "fuzz_sys.h"

const struct fz_call fz_sys_calls[] = {
#define C(name) {"sys_" #name, call_##name},
    FZ_SYS_CALLS(C)
#undef C
};
const int fz_sys_count = sizeof fz_sys_calls / sizeof fz_sys_calls[0];
