/* The system's names: uname, the host name and the NIS domain name.  Both names live in
 * the program's memory (there is no other process to share them with): the host name
 * starts as "eremit", the domain name as "(none)", Linux's value when none is set.  The
 * sizes are Linux's (HOST_NAME_MAX 64, struct utsname fields of 65 bytes). */

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "port.h"

#ifndef EREMIT_VERSION
#define EREMIT_VERSION "0"
#endif

static char host_name[HOST_NAME_MAX + 1] = "eremit";
static char domain_name[HOST_NAME_MAX + 1] = "(none)";
static pthread_mutex_t names_lock = PTHREAD_MUTEX_INITIALIZER;

/* What a program learns from uname(): sysname "Eremit" (it is not Linux: programs that
 * branch on "Linux" would expect /proc, epoll and fork), release = the kernel crate's
 * version, machine "x86_64" or "aarch64" (what uname -m says on Linux). */
int uname(struct utsname *u)
{
    if (!__eremit_user_ok(u, sizeof *u, 1))
        return __hermit_fail(EFAULT);
    memset(u, 0, sizeof *u);
    strcpy(u->sysname, "Eremit");
    strcpy(u->release, EREMIT_VERSION);
    strcpy(u->version, "Eremit unikernel");
    #if defined(__aarch64__)
    strcpy(u->machine, "aarch64");
#else
    strcpy(u->machine, "x86_64");
#endif
    pthread_mutex_lock(&names_lock);
    strcpy(u->nodename, host_name);
    strcpy(u->domainname, domain_name);
    pthread_mutex_unlock(&names_lock);
    return 0;
}

/* glibc's rules: the name and its NUL must fit in LEN, else ENAMETOOLONG. */
static int get_name(const char *name, char *buf, size_t len)
{
    pthread_mutex_lock(&names_lock);
    size_t n = strlen(name) + 1;
    int r = 0;
    if (n > len)
        r = __hermit_fail(ENAMETOOLONG);
    else if (!__eremit_user_ok(buf, n, 1))
        r = __hermit_fail(EFAULT);
    else
        memcpy(buf, name, n);
    pthread_mutex_unlock(&names_lock);
    return r;
}

/* Linux's rules: at most HOST_NAME_MAX bytes (EINVAL beyond), not NUL-terminated. */
static int set_name(char *name, const char *buf, size_t len)
{
    if (len > HOST_NAME_MAX)
        return __hermit_fail(EINVAL);
    if (len > 0 && !__eremit_user_ok(buf, len, 0))
        return __hermit_fail(EFAULT);
    pthread_mutex_lock(&names_lock);
    memcpy(name, buf, len);
    name[len] = '\0';
    pthread_mutex_unlock(&names_lock);
    return 0;
}

int gethostname(char *name, size_t len)
{
    return get_name(host_name, name, len);
}

int sethostname(const char *name, size_t len)
{
    return set_name(host_name, name, len);
}

int getdomainname(char *name, size_t len)
{
    return get_name(domain_name, name, len);
}

int setdomainname(const char *name, size_t len)
{
    return set_name(domain_name, name, len);
}
