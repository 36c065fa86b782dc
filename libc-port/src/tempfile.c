/* Unique temporary names: mkstemp, mkostemp(s), mkstemps, mkdtemp, mktemp (and newlib's
 * _r variants), replacing newlib's.  newlib derives the XXXXXX from the process id and
 * then steps through letters, so after the first file is unlinked the next call returns
 * the same name again: every process here is pid 1, and programs that take two names in a
 * row before creating either (libstdc++'s testsuite_fs.h does) get the same one twice.
 * Like glibc, the letters here are random (the kernel's entropy), retried on a clash. */

#include <errno.h>
#include <fcntl.h>
#include <reent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "port.h"

int getentropy(void *buf, size_t len);

enum { KIND_FILE, KIND_DIR, KIND_NAME };

/* Enough attempts that a clash on every one of them (62^6 names) means something else is
 * wrong, as in glibc. */
#define ATTEMPTS 238328

static int make_temp(char *tmpl, int suffixlen, int flags, int kind)
{
    static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    size_t len = strlen(tmpl);
    if (suffixlen < 0 || len < 6 + (size_t)suffixlen
        || memcmp(tmpl + len - suffixlen - 6, "XXXXXX", 6) != 0)
        return __hermit_fail(EINVAL);
    char *x = tmpl + len - suffixlen - 6;
    for (long attempt = 0; attempt < ATTEMPTS; attempt++) {
        uint8_t rnd[6];
        if (getentropy(rnd, sizeof rnd) < 0)
            return -1;
        for (int i = 0; i < 6; i++)
            x[i] = letters[rnd[i] % (sizeof letters - 1)];
        int r;
        struct stat st;
        switch (kind) {
        case KIND_FILE:
            r = open(tmpl, (flags & ~O_ACCMODE) | O_RDWR | O_CREAT | O_EXCL, 0600);
            break;
        case KIND_DIR:
            r = mkdir(tmpl, 0700);
            break;
        default:
            if (lstat(tmpl, &st) == 0) {
                errno = EEXIST;
                r = -1;
            } else {
                r = errno == ENOENT ? 0 : -1;
            }
            break;
        }
        if (r >= 0 || errno != EEXIST)
            return r;
    }
    return __hermit_fail(EEXIST);
}

int mkostemps(char *tmpl, int suffixlen, int flags)
{
    return make_temp(tmpl, suffixlen, flags, KIND_FILE);
}

int mkstemps(char *tmpl, int suffixlen)
{
    return make_temp(tmpl, suffixlen, 0, KIND_FILE);
}

int mkostemp(char *tmpl, int flags)
{
    return make_temp(tmpl, 0, flags, KIND_FILE);
}

int mkstemp(char *tmpl)
{
    return make_temp(tmpl, 0, 0, KIND_FILE);
}

char *mkdtemp(char *tmpl)
{
    return make_temp(tmpl, 0, 0, KIND_DIR) < 0 ? NULL : tmpl;
}

char *mktemp(char *tmpl)
{
    if (make_temp(tmpl, 0, 0, KIND_NAME) < 0)
        tmpl[0] = '\0';
    return tmpl;
}

/* newlib's reentrant entry points: the same, with errno copied into the given reent. */
int _mkostemps_r(struct _reent *ptr, char *tmpl, int suffixlen, int flags)
{
    int fd = mkostemps(tmpl, suffixlen, flags);
    if (fd < 0)
        ptr->_errno = errno;
    return fd;
}

int _mkstemps_r(struct _reent *ptr, char *tmpl, int suffixlen)
{
    return _mkostemps_r(ptr, tmpl, suffixlen, 0);
}

int _mkostemp_r(struct _reent *ptr, char *tmpl, int flags)
{
    return _mkostemps_r(ptr, tmpl, 0, flags);
}

int _mkstemp_r(struct _reent *ptr, char *tmpl)
{
    return _mkostemps_r(ptr, tmpl, 0, 0);
}

char *_mkdtemp_r(struct _reent *ptr, char *tmpl)
{
    char *r = mkdtemp(tmpl);
    if (!r)
        ptr->_errno = errno;
    return r;
}

char *_mktemp_r(struct _reent *ptr, char *tmpl)
{
    char *r = mktemp(tmpl);
    if (!r[0])
        ptr->_errno = errno;
    return r;
}
