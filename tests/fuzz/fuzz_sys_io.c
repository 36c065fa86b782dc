/* The fuzzer's calls of the system calls of descriptors as streams: read/write and their socket forms (recv/send with flags), vectors, dup, fcntl, poll, pipes, eventfds
 * (the list of calls and what is left out: fuzz_sys.c). */

#include "fuzz_sys.h"

CALL(close)
{
    /* Bad descriptors, or a duplicate of the thread's own. */
    int fd = fz_chance(f, 50) ? sys_dup(fz_fd(f)) : fz_int(f, -1);
    if (fd < 0)
        f->mask |= 1u << FZ_BAD_FD;
    return sys_close(fd);
}

CALL(dup)
{
    int fd = sys_dup(fz_fd(f));
    if (fd >= 0)
        sys_close(fd);
    return fd;
}

CALL(dup2)
{
    /* Onto a bad number or a fresh high one: never onto another thread's descriptors. */
    int target = fz_chance(f, 50) ? fz_int(f, 900 + f->index) : 900 + f->index;
    if (target >= 0 && target < 900)
        target = -1;
    int fd = sys_dup2(fz_fd(f), target);
    if (fd >= 0)
        sys_close(fd);
    return fd;
}

CALL(eventfd)
{
    /* Always non-blocking: another thread's read on it must not block forever. */
    int16_t flags = (int16_t)(fz_int(f, 0) | EFD_NONBLOCK);
    uint64_t init = fz_chance(f, 50) ? fz_below(f, 10) : fz_rand(f);
    int fd = sys_eventfd(init, flags);
    if (fd >= 0)
        sys_close(fd);
    return fd;
}

CALL(pipe2)
{
    int32_t pair[2];
    size_t own;
    int32_t *p = fz_ptr_on(f, sizeof pair, &own, pair, sizeof pair);
    int bad = fz_ptr_is_bad(f, 1);
    /* Always non-blocking (see eventfd); sometimes unknown flags. */
    int32_t flags = O_NONBLOCK;
    if (fz_chance(f, 20)) {
        flags |= (int32_t)fz_rand(f);
        f->mask |= 1u << FZ_BAD_VALUE;
    }
    long r = sys_pipe2(p, flags);
    if (bad)
        fz_expect_failure(f, "sys_pipe2", r);
    if (r == 0 && own) {
        sys_close(p[0]);
        sys_close(p[1]);
    }
    return r;
}

CALL(fcntl)
{
    static const int cmds[] = {F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL, 99, -1};
    int cmd = cmds[fz_below(f, 8)];
    if (cmd == 99 || cmd == -1)
        f->mask |= 1u << FZ_BAD_VALUE;
    int r = sys_fcntl(fz_file_fd(f), cmd, fz_int(f, 0));
    if (r >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC))
        sys_close(r);
    return r;
}

CALL(ioctl)
{
    int32_t on = 0;
    size_t own;
    void *p = fz_ptr_on(f, 4, &own, &on, sizeof on);
    if (own != 0)
        *(int32_t *)p = (int32_t)fz_below(f, 2);
    int cmd = fz_chance(f, 60) ? 0x5421 : fz_int(f, 0x8008667e);
    return sys_ioctl(fz_file_fd(f), cmd, p);
}

CALL(isatty)
{
    return sys_isatty(fz_fd(f));
}

CALL(lseek)
{
    return sys_lseek(fz_fd(f), (ptrdiff_t)fz_off(f), fz_int(f, (int)fz_below(f, 3)));
}

CALL(poll)
{
    struct pollfd fds[4];
    size_t own;
    struct pollfd *p = fz_ptr_on(f, sizeof fds, &own, fds, sizeof fds);
    size_t n = fz_len(f, p, own / sizeof *p);
    if (own != 0) {
        for (size_t i = 0; i < own / sizeof *p && i < 64; i++) {
            p[i].fd = fz_fd(f);
            p[i].events = (int16_t)fz_int(f, POLLIN | POLLOUT);
        }
        if (n > own / sizeof *p && n < 1024)
            n = own / sizeof *p;
    }
    return sys_poll(p, n, fz_chance(f, 80) ? 0 : (int32_t)fz_below(f, 3));
}

/* Read-type calls: the buffer is the thread's own bytes or a bad pointer; writes into
 * it never go past the thread's bytes. */
static long read_call(struct fz *f, int kind)
{
    uint8_t stack[128];
    size_t own;
    uint8_t *p = fz_ptr_on(f, 1, &own, stack, sizeof stack);
    int bad = fz_ptr_is_bad(f, 1);
    size_t len = fz_len(f, p, own);
    int fd = fz_fd(f);
    long r;
    switch (kind) {
    case 0:
        r = sys_read(fd, p, len);
        break;
    case 1:
        r = sys_pread(fd, p, len, fz_off(f));
        break;
    case 2:
        r = sys_recv(fd, p, len, fz_int(f, 0));
        break;
    case 3: {
        uint8_t addr[16];
        socklen_t alen = 16;
        size_t aown;
        struct sockaddr *a = fz_chance(f, 50) ? NULL : fz_ptr_on(f, 16, &aown, addr, 16);
        socklen_t *l = fz_chance(f, 70) ? &alen : fz_ptr(f, 4, &aown);
        if (l != &alen && aown != 0)
            *l = 0;
        r = sys_recvfrom(fd, p, len, fz_int(f, 0), a, l);
        break;
    }
    default:
        r = sys_read_entropy(p, len, (uint32_t)fz_int(f, 0));
        fd = f->fds[2];
        break;
    }
    /* /dev/zero (fds[2]) and the entropy source always have bytes to give. */
    if (bad && len > 0 && len < ((size_t)1 << 40) && fd == f->fds[2] && fd >= 0)
        fz_expect_failure(f, "read-type call", r);
    return r;
}

CALL(read)
{
    return read_call(f, 0);
}

CALL(pread)
{
    return read_call(f, 1);
}

CALL(recv)
{
    return read_call(f, 2);
}

CALL(recvfrom)
{
    return read_call(f, 3);
}

CALL(read_entropy)
{
    return read_call(f, 4);
}

static long write_call(struct fz *f, int kind)
{
    uint8_t stack[128] = {0};
    size_t own;
    const uint8_t *p = fz_ptr_on(f, 1, &own, stack, sizeof stack);
    int bad = fz_ptr_is_bad(f, 0);
    size_t len = fz_len(f, p, own);
    int fd = fz_fd(f);
    long r;
    switch (kind) {
    case 0:
        r = sys_write(fd, p, len);
        break;
    case 1:
        r = sys_pwrite(fd, p, len, fz_off(f));
        break;
    case 2:
        r = sys_send(fd, p, len, fz_int(f, 0));
        break;
    default: {
        uint8_t addr[16];
        socklen_t alen;
        const struct sockaddr *a = fz_chance(f, 30) ? NULL : fz_address(f, &alen, addr);
        r = sys_sendto(fd, p, len, fz_int(f, 0), a, a == NULL ? 0 : alen);
        break;
    }
    }
    if (bad && len > 0 && kind == 0 && fd == f->fds[3] && fd >= 0)
        fz_expect_failure(f, "write-type call", r);
    return r;
}

CALL(write)
{
    return write_call(f, 0);
}

CALL(pwrite)
{
    return write_call(f, 1);
}

CALL(send)
{
    return write_call(f, 2);
}

CALL(sendto)
{
    return write_call(f, 3);
}

/* One of the thread's buffers that does not hold P. */
static void *other_buffer(struct fz *f, const void *p)
{
    const uint8_t *b = p;
    return b >= f->heap && b < f->heap + FZ_BUF + 64 ? f->data : f->heap;
}

/* An iovec array of the thread's own memory, or a bad one; entries point at the
 * thread's bytes or anywhere bad, with lengths that never exceed the thread's bytes. */
static long vector_call(struct fz *f, int write)
{
    struct iovec v[4];
    size_t own;
    struct iovec *p = fz_ptr_on(f, sizeof v, &own, v, sizeof v);
    size_t n = fz_chance(f, 70) ? fz_below(f, 5) : fz_len(f, p, own / sizeof *p);
    if (own != 0) {
        size_t cap = own / sizeof *p;
        for (size_t i = 0; i < cap && i < 4; i++) {
            size_t bown;
            /* Not the thread's buffers holding the array itself. */
            p[i].iov_base = fz_ptr(f, 1, &bown);
            if (bown != 0)
                p[i].iov_base = other_buffer(f, p);
            p[i].iov_len = fz_len(f, p[i].iov_base, bown != 0 ? FZ_BUF / 2 : 0);
        }
        if (n > 4 && n <= 1024)
            n = 4;
    }
    int fd = fz_fd(f);
    return write ? sys_writev(fd, p, n) : sys_readv(fd, p, n);
}

CALL(readv)
{
    return vector_call(f, 0);
}

CALL(writev)
{
    return vector_call(f, 1);
}
