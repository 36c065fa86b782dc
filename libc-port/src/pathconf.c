/* pathconf/fpathconf: newlib declares them but builds them only for some targets, and
 * libstdc++'s std::filesystem::current_path() calls pathconf(".", _PC_PATH_MAX), so every
 * program using it failed to link.  The limits are those of Eremit's in-memory file system,
 * with Linux's values where it has no limit of its own. */

#include <errno.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "port.h"

static long limit(int name)
{
    switch (name) {
    case _PC_LINK_MAX:
        return 127; /* glibc's answer for a file system it does not know (LINUX_LINK_MAX) */
    case _PC_MAX_CANON:
    case _PC_MAX_INPUT:
        return 255;
    case _PC_NAME_MAX:
        return 255;
    case _PC_PATH_MAX:
        return 4096;
    case _PC_PIPE_BUF:
        return 4096;
    case _PC_CHOWN_RESTRICTED:
    case _PC_NO_TRUNC:
        return 1;
    case _PC_VDISABLE:
        return 0;
    case _PC_FILESIZEBITS:
        return 64;
    case _PC_2_SYMLINKS:
        return 1; /* symbolic links exist */
    case _PC_ASYNC_IO:
    case _PC_PRIO_IO:
    case _PC_SYNC_IO:
    case _PC_SYMLINK_MAX:
    case _PC_ALLOC_SIZE_MIN:
    case _PC_REC_INCR_XFER_SIZE:
    case _PC_REC_MAX_XFER_SIZE:
    case _PC_REC_MIN_XFER_SIZE:
    case _PC_REC_XFER_ALIGN:
        return -1; /* no such option or no limit: -1 with errno unchanged */
    case _PC_TIMESTAMP_RESOLUTION:
        return 1;
    default:
        return __hermit_fail(EINVAL);
    }
}

long pathconf(const char *path, int name)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return -1;
    return limit(name);
}

long fpathconf(int fd, int name)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return -1;
    return limit(name);
}
