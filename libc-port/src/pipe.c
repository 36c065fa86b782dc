/* pipe and pipe2 over the kernel's pipes (sys_pipe2: a 64 KiB buffer shared by a read
 * end and a write end, which poll/select see like sockets). A write to a pipe whose
 * read end is closed fails with EPIPE; no SIGPIPE is raised. */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "hermit-abi.h"
#include "port.h"

int pipe2(int fds[2], int flags)
{
    if (flags & ~(O_NONBLOCK | O_CLOEXEC))
        return __hermit_fail(EINVAL);
    int abi = 0;
    if (flags & O_NONBLOCK)
        abi |= HERMIT_O_NONBLOCK;
    if (flags & O_CLOEXEC)
        abi |= HERMIT_O_CLOEXEC;
    return (int)__hermit_ret(sys_pipe2(fds, abi));
}

int pipe(int fds[2])
{
    return pipe2(fds, 0);
}
