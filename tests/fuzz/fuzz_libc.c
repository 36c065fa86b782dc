/* The fuzzer's calls of the C library's system-call wrappers, with the same adversarial
 * arguments as the kernel's calls. Only wrappers whose Linux counterpart hands the
 * pointer to the kernel (and so fails with EFAULT instead of faulting in user space)
 * get bad pointers; glibc's vDSO calls (clock_gettime, gettimeofday, time) and pthread
 * or stdio objects fault in user space on Linux too, so they get bad pointers only
 * where the C library checks them (clock_gettime) and valid objects with short or
 * invalid timeouts otherwise. */

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

ssize_t getrandom(void *buf, size_t len, unsigned int flags);
int getentropy(void *buf, size_t len);

#define CALL(name) static long call_##name(struct fz *f __attribute__((unused)))

static long rw(struct fz *f, int kind)
{
    char stack[128] = {0};
    size_t own;
    void *p = fz_ptr_on(f, 1, &own, stack, sizeof stack);
    int bad = fz_ptr_is_bad(f, kind & 1 ? 0 : 1);
    size_t len = fz_len(f, p, own);
    int fd = fz_fd(f);
    long r;
    switch (kind) {
    case 0: r = read(fd, p, len); break;
    case 1: r = write(fd == 1 || fd == 2 ? -1 : fd, p, len); break;
    case 2: r = pread(fd, p, len, fz_off(f)); break;
    case 3: r = pwrite(fd, p, len, fz_off(f)); break;
    case 4: r = getrandom(p, len, (unsigned)fz_int(f, 0)); fd = f->fds[2]; break;
    default: r = getentropy(p, len); fd = -2; break;
    }
    if (bad && len > 0 && len < ((size_t)1 << 40) && fd == f->fds[2] && fd >= 0 && kind != 2)
        fz_expect_failure(f, "C read/write", r);
    return r;
}

CALL(read) { return rw(f, 0); }
CALL(write) { return rw(f, 1); }
CALL(pread) { return rw(f, 2); }
CALL(pwrite) { return rw(f, 3); }
CALL(getrandom) { return rw(f, 4); }
CALL(getentropy) { return rw(f, 5); }

static long vec(struct fz *f, int wr)
{
    struct iovec v[3];
    size_t own;
    struct iovec *p = fz_ptr_on(f, sizeof v, &own, v, sizeof v);
    int n = (int)fz_below(f, 4);
    if (own != 0) {
        for (int i = 0; i < 3 && (size_t)i < own / sizeof *p; i++) {
            size_t bown;
            p[i].iov_base = fz_ptr(f, 1, &bown);
            if (bown != 0)
                p[i].iov_base = (uint8_t *)p >= f->heap && (uint8_t *)p < f->heap + FZ_BUF + 64 ? f->data : f->heap;
            p[i].iov_len = fz_len(f, p[i].iov_base, bown ? FZ_BUF / 2 : 0);
        }
    } else if (fz_chance(f, 30)) {
        n = fz_int(f, 1);
    }
    int fd = fz_fd(f);
    return wr ? writev(fd == 1 || fd == 2 ? -1 : fd, p, n) : readv(fd, p, n);
}

CALL(readv) { return vec(f, 0); }
CALL(writev) { return vec(f, 1); }

static long stat_like(struct fz *f, int kind)
{
    struct stat st;
    size_t own;
    const char *path = fz_path(f, 0);
    struct stat *p = fz_ptr_on(f, sizeof st, &own, &st, sizeof st);
    int bad = fz_ptr_is_bad(f, 1);
    long r = kind == 0 ? stat(path, p) : kind == 1 ? lstat(path, p) : fstat(fz_fd(f), p);
    if (bad)
        fz_expect_failure(f, "C stat", r);
    return r;
}

CALL(stat) { return stat_like(f, 0); }
CALL(lstat) { return stat_like(f, 1); }
CALL(fstat) { return stat_like(f, 2); }

CALL(open)
{
    int flags = fz_int(f, O_RDONLY);
    const char *path = (flags & (O_CREAT | O_TRUNC | O_WRONLY | O_RDWR)) ? fz_path(f, 1) : fz_path(f, 0);
    int fd = open(path, flags, 0644);
    if (fd >= 0)
        close(fd);
    return fd;
}

CALL(access) { return access(fz_path(f, 0), fz_int(f, R_OK)); }
CALL(mkdir) { return mkdir(fz_path(f, 1), 0755); }
CALL(rmdir) { return rmdir(fz_path(f, 1)); }
CALL(unlink) { return unlink(fz_path(f, 1)); }
CALL(truncate) { return truncate(fz_path(f, 1), fz_off(f) & 0xfffff); }

CALL(rename)
{
    char a[64];
    const char *from = fz_path(f, 1);
    if (from == f->path) {
        snprintf(a, sizeof a, "%s", from);
        from = a;
    }
    return rename(from, fz_path(f, 1));
}

CALL(chdir)
{
    long r = chdir(fz_path(f, 0));
    chdir("/");
    return r;
}

CALL(getcwd)
{
    char buf[64];
    size_t own;
    char *p = fz_ptr_on(f, 1, &own, buf, sizeof buf);
    int bad = fz_ptr_is_bad(f, 1);
    size_t len = fz_len(f, p, own);
    if (p == NULL && len > 4096)
        len = 0; /* getcwd(NULL, size) allocates size bytes */
    char *r = getcwd(p, len);
    if (bad && p != NULL && len > 0)
        fz_expect_failure(f, "C getcwd", r == NULL ? -1 : 0);
    if (r != NULL && p == NULL)
        free(r);
    return r == NULL ? -1 : 0;
}

CALL(lseek) { return lseek(fz_fd(f), (off_t)fz_off(f), fz_int(f, SEEK_SET)); }
CALL(ftruncate) { return ftruncate(fz_file_fd(f), fz_off(f) & 0xfffff); }

CALL(dup_close)
{
    int fd = dup(fz_fd(f));
    if (fd >= 0)
        close(fd);
    return fd;
}

CALL(fcntl) { return fcntl(fz_file_fd(f), fz_int(f, F_GETFL), fz_int(f, 0)); }

CALL(clock_gettime)
{
    struct timespec ts;
    size_t own;
    struct timespec *p = fz_ptr_on(f, sizeof ts, &own, &ts, sizeof ts);
    int bad = fz_ptr_is_bad(f, 1);
    long r = clock_gettime(fz_int(f, CLOCK_MONOTONIC), p);
    if (bad)
        fz_expect_failure(f, "C clock_gettime", r);
    return r;
}

CALL(gettimeofday)
{
    struct timeval tv;
    return gettimeofday(&tv, NULL);
}

/* A timespec: bad, or short, or invalid. */
static struct timespec *short_time(struct fz *f, struct timespec *ts)
{
    size_t own;
    struct timespec *p = fz_ptr_on(f, sizeof *ts, &own, ts, sizeof *ts);
    /* Readable code or rodata would be a time of centuries, and null means no timeout
     * for ppoll: the valid case then. */
    if (own == 0 && fz_ptr_is_bad(f, 0) && p != NULL)
        return p;
    ts->tv_sec = 0;
    ts->tv_nsec = (long)fz_below(f, 2000000);
    if (fz_chance(f, 20)) {
        f->mask |= 1u << FZ_NEGATIVE;
        ts->tv_sec = -1;
    } else if (fz_chance(f, 10)) {
        f->mask |= 1u << FZ_BAD_VALUE;
        ts->tv_nsec = 1000000000;
    }
    return ts;
}

CALL(nanosleep)
{
    struct timespec ts;
    return nanosleep(short_time(f, &ts), NULL);
}

CALL(clock_nanosleep)
{
    struct timespec ts;
    return clock_nanosleep(fz_int(f, CLOCK_MONOTONIC) & 7, 0, short_time(f, &ts), NULL);
}

CALL(usleep) { return usleep(fz_below(f, 2000)); }

CALL(getaddrinfo)
{
    static const char *names[] = {"127.0.0.1", "localhost", "0x7f000001", "", "::1"};
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = fz_int(f, AF_INET);
    hints.ai_socktype = fz_int(f, SOCK_STREAM);
    hints.ai_flags = fz_int(f, 0);
    size_t own;
    const char *node = fz_chance(f, 50) ? names[fz_below(f, 5)] : fz_ptr(f, 1, &own);
    const char *service = fz_chance(f, 50) ? "80" : fz_ptr(f, 1, &own);
    f->heap[FZ_BUF - 1] = f->data[FZ_BUF - 1] = 0;
    const struct addrinfo *h = fz_chance(f, 60) ? &hints : fz_ptr(f, sizeof hints, &own);
    struct addrinfo **r = fz_chance(f, 80) ? &res : fz_ptr(f, sizeof res, &own);
    if (r != &res && own != 0)
        r = &res; /* the list must be freed: only bad pointers for RES */
    int e = getaddrinfo(node, service, h, r);
    if (e == 0 && res != NULL)
        freeaddrinfo(res);
    return e == 0 ? 0 : -1;
}

CALL(poll)
{
    struct pollfd fds[3];
    size_t own;
    struct pollfd *p = fz_ptr_on(f, sizeof fds, &own, fds, sizeof fds);
    nfds_t n = fz_chance(f, 70) ? fz_below(f, 4) : fz_len(f, p, own / sizeof *p);
    if (own != 0) {
        nfds_t cap = own / sizeof *p;
        for (nfds_t i = 0; i < cap && i < 3; i++) {
            p[i].fd = fz_fd(f);
            p[i].events = (short)fz_int(f, POLLIN);
        }
        if (n > 3)
            n = n > cap ? (n < 4096 ? 3 : n) : n;
    }
    return poll(p, n, fz_chance(f, 80) ? 0 : 1);
}

CALL(ppoll)
{
    struct pollfd fd = {fz_fd(f), POLLIN, 0};
    struct timespec ts;
    return ppoll(&fd, 1, short_time(f, &ts), NULL);
}

CALL(select)
{
    fd_set rd;
    struct timeval tv = {0, 1000};
    size_t own;
    FD_ZERO(&rd);
    int fd = fz_fd(f);
    if (fd >= 0 && fd < FD_SETSIZE)
        FD_SET(fd, &rd);
    fd_set *set = fz_chance(f, 60) ? &rd : fz_ptr(f, sizeof rd, &own);
    if (set != &rd && own != 0)
        FD_ZERO(set);
    struct timeval *t = fz_chance(f, 70) ? &tv : fz_ptr(f, sizeof tv, &own);
    if (t != &tv && own != 0)
        *t = tv;
    if (t == NULL)
        t = &tv;
    int n = fz_chance(f, 80) ? (fd >= 0 && fd < FD_SETSIZE ? fd + 1 : 1) : fz_int(f, 1);
    return select(n, set, NULL, NULL, t);
}

static long sock_addr_call(struct fz *f, int kind)
{
    struct sockaddr_in in;
    size_t own;
    struct sockaddr *a = fz_ptr_on(f, sizeof in, &own, &in, sizeof in);
    socklen_t len = (socklen_t)fz_len(f, a, own);
    if (own != 0) {
        memset(a, 0, sizeof in);
        ((struct sockaddr_in *)a)->sin_family = (sa_family_t)fz_int(f, AF_INET);
        ((struct sockaddr_in *)a)->sin_port = htons(8080);
        ((struct sockaddr_in *)a)->sin_addr.s_addr = htonl(0x7f000001);
    }
    int s = dup(fz_fd(f));
    long r;
    switch (kind) {
    case 0: r = bind(s, a, len); break;
    case 1: r = connect(s, a, len); break;
    default: r = sendto(s, "x", 1, MSG_DONTWAIT, a, len); break;
    }
    if (s >= 0)
        close(s);
    return r;
}

CALL(bind) { return sock_addr_call(f, 0); }
CALL(connect) { return sock_addr_call(f, 1); }
CALL(sendto) { return sock_addr_call(f, 2); }

static long name_out_call(struct fz *f, int kind)
{
    struct sockaddr_in in;
    socklen_t len = sizeof in;
    size_t own;
    struct sockaddr *a = fz_ptr_on(f, sizeof in, &own, &in, sizeof in);
    socklen_t *l = fz_ptr_on(f, sizeof len, &own, &len, sizeof len);
    if (own != 0)
        *l = (socklen_t)fz_below(f, 20);
    char buf[16];
    switch (kind) {
    case 0: return getsockname(fz_fd(f), a, l);
    case 1: return getpeername(fz_fd(f), a, l);
    case 2: {
        int fd = accept(fz_fd(f), a, l);
        if (fd >= 0)
            close(fd);
        return fd;
    }
    default: return recvfrom(fz_fd(f), buf, sizeof buf, MSG_DONTWAIT, a, l);
    }
}

CALL(getsockname) { return name_out_call(f, 0); }
CALL(getpeername) { return name_out_call(f, 1); }
CALL(accept) { return name_out_call(f, 2); }
CALL(recvfrom) { return name_out_call(f, 3); }

CALL(getsockopt)
{
    static const int names[] = {SO_REUSEADDR, SO_RCVTIMEO, SO_ERROR, SO_TYPE, SO_LINGER, 1 /* TCP_NODELAY */, -1};
    char val[32];
    socklen_t len = sizeof val;
    size_t own;
    void *v = fz_ptr_on(f, sizeof val, &own, val, sizeof val);
    size_t vown = own;
    socklen_t *l = fz_ptr_on(f, sizeof len, &own, &len, sizeof len);
    if (own != 0)
        *l = (socklen_t)fz_below(f, (unsigned)(vown < 32 ? vown + 1 : 33));
    return getsockopt(fz_fd(f), fz_chance(f, 80) ? SOL_SOCKET : fz_int(f, IPPROTO_TCP),
                      names[fz_below(f, 7)], v, l);
}

CALL(setsockopt)
{
    static const int names[] = {SO_REUSEADDR, SO_RCVTIMEO, SO_SNDTIMEO, SO_KEEPALIVE, SO_LINGER, -1};
    char val[32] = {0};
    size_t own;
    void *v = fz_ptr_on(f, sizeof val, &own, val, sizeof val);
    socklen_t len = (socklen_t)fz_len(f, v, own);
    int s = dup(fz_fd(f));
    long r = setsockopt(s, fz_chance(f, 80) ? SOL_SOCKET : fz_int(f, IPPROTO_TCP), names[fz_below(f, 6)], v, len);
    if (s >= 0)
        close(s);
    return r;
}

CALL(socket)
{
    int s = socket(fz_int(f, AF_INET), fz_int(f, SOCK_DGRAM) | SOCK_NONBLOCK, fz_int(f, 0));
    if (s >= 0)
        close(s);
    return s;
}

/* Valid objects, short or invalid timeouts: the futex paths under the C library. */
CALL(mutex_timedlock)
{
    static pthread_mutex_t m[16];
    static int ready[16];
    pthread_mutex_t *mx = &m[f->index % 16];
    if (!ready[f->index % 16]) {
        pthread_mutex_init(mx, NULL);
        ready[f->index % 16] = 1;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += (long)fz_below(f, 1000000);
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    if (fz_chance(f, 20)) {
        f->mask |= 1u << FZ_BAD_VALUE;
        ts.tv_nsec = fz_chance(f, 50) ? -1 : 1000000000;
    }
    int locked = fz_chance(f, 50) && pthread_mutex_lock(mx) == 0;
    int r = pthread_mutex_timedlock(mx, &ts);
    if (r == 0)
        pthread_mutex_unlock(mx);
    if (locked)
        pthread_mutex_unlock(mx);
    return -r;
}

CALL(sem_timedwait)
{
    sem_t s;
    sem_init(&s, 0, fz_below(f, 2));
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec = (long)fz_below(f, 1000000000);
    if (fz_chance(f, 20)) {
        f->mask |= 1u << FZ_BAD_VALUE;
        ts.tv_nsec = -1;
    }
    int r = sem_timedwait(&s, &ts);
    sem_destroy(&s);
    return r;
}

static void *thread_body(void *arg)
{
    return arg;
}

CALL(pthread_create_join)
{
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    static const size_t stacks[] = {16384, 65536, 1 << 20, (size_t)1 << 40};
    size_t stack = stacks[fz_below(f, 4)];
    if (stack > (1 << 20))
        f->mask |= 1u << FZ_LEN_HUGE;
    pthread_attr_setstacksize(&attr, stack);
    int r = pthread_create(&t, &attr, thread_body, NULL);
    pthread_attr_destroy(&attr);
    if (r == 0)
        pthread_join(t, NULL);
    return -r;
}

const struct fz_call fz_libc_calls[] = {
#define C(name) {#name, call_##name}
    C(read), C(write), C(pread), C(pwrite), C(getrandom), C(getentropy), C(readv), C(writev),
    C(stat), C(lstat), C(fstat), C(open), C(access), C(mkdir), C(rmdir), C(unlink),
    C(truncate), C(rename), C(chdir), C(getcwd), C(lseek), C(ftruncate), C(dup_close),
    C(fcntl), C(clock_gettime), C(gettimeofday), C(nanosleep), C(clock_nanosleep), C(usleep),
    C(getaddrinfo), C(poll), C(ppoll), C(select), C(bind), C(connect), C(sendto),
    C(getsockname), C(getpeername), C(accept), C(recvfrom), C(getsockopt), C(setsockopt),
    C(socket), C(mutex_timedlock), C(sem_timedwait), C(pthread_create_join),
#undef C
};
const int fz_libc_count = sizeof fz_libc_calls / sizeof fz_libc_calls[0];
