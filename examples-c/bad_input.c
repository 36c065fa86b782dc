/* Bad input: calls that must fail, and the errno they must report. */
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

static int failures;

static void expect(const char *what, int failed, int e)
{
    int got = errno;
    printf("%-52s -> %s\n", what, failed ? errno_name(got) : "no error");
    if (!failed || got != e) {
        printf("    expected %s\n", errno_name(e));
        failures++;
    }
    errno = 0;
}

static void expect_code(const char *what, int code, int e)
{
    printf("%-52s -> %s\n", what, errno_name(code));
    if (code != e) {
        printf("    expected %s\n", errno_name(e));
        failures++;
    }
}

int main(void)
{
    char buf[16];
    struct stat st;
    expect("write to fd 42 (never opened)", write(42, "x", 1) == -1, EBADF);
    expect("write to fd -1", write(-1, "x", 1) == -1, EBADF);
    expect("read from fd 42", read(42, buf, sizeof buf) == -1, EBADF);
    expect("close of fd 42", close(42) == -1, EBADF);
    expect("fstat of fd 42", fstat(42, &st) == -1, EBADF);
    expect("lseek on fd 42", lseek(42, 0, SEEK_SET) == -1, EBADF);
    expect("lseek on stdout (a pipe)", lseek(1, 0, SEEK_CUR) == -1, ESPIPE);
    expect("open of /no/such/file", open("/no/such/file", O_RDONLY) == -1, ENOENT);
    expect("stat of /no/such/file", stat("/no/such/file", &st) == -1, ENOENT);
    expect("fopen of /no/such/file", fopen("/no/such/file", "r") == NULL, ENOENT);
    expect("unlink of /no/such/file", unlink("/no/such/file") == -1, ENOENT);
    expect("dup of fd 42", dup(42) == -1, EBADF);
    expect("fcntl(F_GETFD) of fd 42", fcntl(42, F_GETFD) == -1, EBADF);
    struct timespec bad = {.tv_sec = 0, .tv_nsec = 2000000000L};
    expect("nanosleep with tv_nsec = 2e9", nanosleep(&bad, NULL) == -1, EINVAL);
    expect("clock_gettime of clock 12345", clock_gettime((clockid_t)12345, &bad) == -1, EINVAL);
    char small[1];
    expect("getcwd into 1 byte", getcwd(small, sizeof small) == NULL, ERANGE);

    pthread_mutexattr_t attr;
    pthread_mutex_t m;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&m, &attr);
    expect_code("unlock of an unlocked errorcheck mutex", pthread_mutex_unlock(&m), EPERM);
    pthread_mutex_lock(&m);
    expect_code("relock of an errorcheck mutex by its owner", pthread_mutex_lock(&m), EDEADLK);
    pthread_mutex_unlock(&m);
    pthread_mutex_destroy(&m);
    pthread_mutexattr_destroy(&attr);
    expect_code("join of the calling thread", pthread_join(pthread_self(), NULL), EDEADLK);

    printf("bad-input: %d unexpected\n", failures);
    return failures == 0 ? 0 : 1;
}
