/* reliability: native=skip
 * The kernel's own entry points (include/hermit/syscall.h) with pointers that are not the
 * application's: every one fails with EFAULT (or the call's documented error) and none
 * faults in the kernel. Eremit only: Linux has no such calls; the answers are Linux's
 * errno values for the matching system calls. getaddrinfo's names, which glibc would
 * read in user space (and fault), are checked by the kernel and the C library too. */

#include <errno.h>
#include <netdb.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct hermit_timespec {
    int64_t tv_sec;
    int32_t tv_nsec;
};
struct hermit_pollfd {
    int32_t fd;
    int16_t events, revents;
};
int32_t sys_open(const char *name, int32_t flags, int32_t mode);
int32_t sys_stat(const char *name, void *st);
int32_t sys_getcwd(char *buf, size_t size);
int32_t sys_chdir(const char *name);
int32_t sys_unlink(const char *name);
int32_t sys_rename(const char *a, const char *b);
long sys_read(int32_t fd, void *buf, size_t len);
long sys_write(int32_t fd, const void *buf, size_t len);
long sys_getdents64(int32_t fd, void *dirp, size_t count);
int32_t sys_poll(struct hermit_pollfd *fds, size_t nfds, int32_t timeout);
int32_t sys_getaddrinfo(const char *node, const char *service, const void *hints, void **res);
int32_t sys_getaddrbyname(const char *name, uint8_t *inaddr, size_t len);
size_t sys_image_start_addr(void);
int32_t sys_sem_init(void *sem, int32_t pshared, uint32_t value);
int32_t sys_sem_post(void *sem);
int32_t sys_sem_trywait(void *sem);
int32_t sys_sem_destroy(void *sem);
int32_t sys_mmap(size_t size, uint32_t prot, uint8_t **ret);
int32_t sys_nanosleep(const struct hermit_timespec *req);
int32_t sys_ioctl(int32_t s, int32_t cmd, void *argp);
int32_t sys_close(int32_t fd);
int eremit_check_user_memory(const void *p, size_t len, int write);
/* The final link's bounds of .bss (GNU ld): the kernel's statics lie inside. */
extern char __bss_start[], _end[];

static void show(const char *what, long r)
{
    printf("%-40s -> %ld%s\n", what, r, r == -EFAULT ? " (EFAULT)" : r == -EINVAL ? " (EINVAL)" : "");
}

static char data_buffer[64];

int main(void)
{
    void *nc = (void *)0x8000000000000000ull;
    void *hi = (void *)0xffffffff80000000ull;
    char stack_buffer[64];

    show("read(0, 0x9000, 5)", sys_read(0, (void *)0x9000, 5));
    show("write(1, 0x100000, 16)", sys_write(1, (void *)0x100000, 16));
    show("write(1, upper half, 16)", sys_write(1, hi, 16));
    show("write(1, buf, SIZE_MAX)", sys_write(1, stack_buffer, SIZE_MAX));
    show("write(1, buf, -16 wraps)", sys_write(1, stack_buffer, (size_t)-16));
    show("open(0x9000)", sys_open((void *)0x9000, 0, 0));
    show("open(non-canonical)", sys_open(nc, 0, 0));
    show("stat(\"/\", code)", sys_stat("/", (void *)main));
    show("stat(\"/\", rodata)", sys_stat("/", (void *)"0123456789"));
    show("getcwd(code, 64)", sys_getcwd((void *)main, 64));
    show("getcwd(0x9000, 64)", sys_getcwd((void *)0x9000, 64));
    show("chdir(0x1000)", sys_chdir((void *)0x1000));
    show("unlink(upper half)", sys_unlink(hi));
    show("rename(\"/a\", 0x9000)", sys_rename("/a", (void *)0x9000));
    int dir = sys_open("/", 0x10000 /* O_DIRECTORY */, 0);
    show("getdents64(dir, code, 4096)", sys_getdents64(dir, (void *)main, 4096));
    show("getdents64(dir, buf, SIZE_MAX)", sys_getdents64(dir, stack_buffer, SIZE_MAX));
    sys_close(dir);
    show("poll(0x9000, 1, 0)", sys_poll((void *)0x9000, 1, 0));
    show("poll(rodata, 1, 0)", sys_poll((void *)"xxxxxxxx", 1, 0));
    show("nanosleep(0x100000)", sys_nanosleep((void *)0x100000));
    show("ioctl(1, FIONBIO, 0x9000)", sys_ioctl(1, 0x5421, (void *)0x9000));

    void *res = NULL;
    show("sys_getaddrinfo(0x9000 name)", sys_getaddrinfo((void *)0x9000, NULL, NULL, &res));
    show("sys_getaddrinfo(non-canonical name)", sys_getaddrinfo(nc, NULL, NULL, &res));
    show("sys_getaddrinfo(res code)", sys_getaddrinfo("127.0.0.1", NULL, NULL, (void *)main));
    show("sys_getaddrinfo(hints 0x9000)", sys_getaddrinfo("127.0.0.1", NULL, (void *)0x9000, &res));
    show("sys_getaddrbyname(0x9000)", sys_getaddrbyname((void *)0x9000, (uint8_t *)stack_buffer, 4));
    show("sys_getaddrbyname(out code)", sys_getaddrbyname("127.0.0.1", (void *)main, 4));
    /* The length says which address is wanted: 4 IPv4 (A), 16 IPv6 (AAAA), others are
     * wrong. No network device here: localhost is ::1, a dotted quad has no AAAA. */
    uint8_t in6[16];
    show("sys_getaddrbyname(len 16: IPv6)", sys_getaddrbyname("127.0.0.1", in6, 16));
    show("sys_getaddrbyname(localhost, len 16)", sys_getaddrbyname("localhost", in6, 16));
    printf("%-40s -> %s\n", "sys_getaddrbyname(localhost, 16) address",
           in6[15] == 1 && in6[0] == 0 && in6[14] == 0 ? "::1" : "wrong");
    show("sys_getaddrbyname(len 8)", sys_getaddrbyname("127.0.0.1", in6, 8));
    show("sys_getaddrbyname(len 4)", sys_getaddrbyname("127.0.0.1", in6, 4));
    printf("%-40s -> %u.%u.%u.%u\n", "sys_getaddrbyname(len 4) address", in6[0], in6[1], in6[2], in6[3]);
    /* Hermit's meaning: what tracers add to the image's symbol addresses (its images
     * are linked at 0); Eremit's run at the 2 MiB they are linked at, so 0. */
    size_t image = sys_image_start_addr();
    printf("%-40s -> %s\n", "sys_image_start_addr",
           image == 0 && (size_t)main >= 0x200000 ? "0, main at its link address" : "wrong");
    struct addrinfo *ai = NULL;
    errno = 0;
    int r = getaddrinfo((void *)0x9000, NULL, NULL, &ai);
    printf("%-40s -> %s errno %s\n", "getaddrinfo(0x9000 name)", r == EAI_SYSTEM ? "EAI_SYSTEM" : "other",
           errno == EFAULT ? "EFAULT" : "other");
    r = getaddrinfo("127.0.0.1", (void *)0x100000, NULL, &ai);
    printf("%-40s -> %s\n", "getaddrinfo(service 0x100000)", r == EAI_SYSTEM ? "EAI_SYSTEM" : "other");

    show("sem_init(0x9000)", sys_sem_init((void *)0x9000, 0, 1));
    show("sem_init(rodata)", sys_sem_init((void *)"rodata!!", 0, 1));
    void *garbage[2] = {(void *)0x9000, data_buffer};
    show("sem_post(holds 0x9000)", sys_sem_post(&garbage[0]));
    show("sem_post(holds a data buffer)", sys_sem_post(&garbage[1]));
    show("sem_trywait(0x1000)", sys_sem_trywait((void *)0x1000));
    void *sem;
    show("sem_init(valid)", sys_sem_init(&sem, 0, 1));
    show("sem_trywait(valid)", sys_sem_trywait(&sem));
    show("sem_destroy(valid)", sys_sem_destroy(&sem));
    show("sem_destroy(again)", sys_sem_destroy(&sem));
    show("mmap(4096, ret 0x9000)", sys_mmap(4096, 3, (void *)0x9000));

    show("check(stack, 64, write)", eremit_check_user_memory(stack_buffer, 64, 1));
    show("check(data, 64, write)", eremit_check_user_memory(data_buffer, 64, 1));
    show("check(code, 16, read)", eremit_check_user_memory((void *)main, 16, 0));
    show("check(code, 16, write)", eremit_check_user_memory((void *)main, 16, 1));
    show("check(0x100000, 1, read)", eremit_check_user_memory((void *)0x100000, 1, 0));
    show("check(errno, 4, write)", eremit_check_user_memory(&errno, 4, 1));
    show("check(all of .bss, read)", eremit_check_user_memory(__bss_start, (size_t)(_end - __bss_start), 0));
    static char bss_buffer[64];
    show("check(a .bss buffer, write)", eremit_check_user_memory(bss_buffer, sizeof bss_buffer, 1));
    printf("done\n");
    return 0;
}
