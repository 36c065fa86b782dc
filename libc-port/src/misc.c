/* Odds and ends: libgen, terminals. */

#include <errno.h>
#include <libgen.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "port.h"

char *basename(char *path)
{
    if (path == NULL || *path == '\0')
        return ".";
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        path[--n] = '\0';
    char *slash = strrchr(path, '/');
    return slash != NULL && slash[1] != '\0' ? slash + 1 : path;
}

char *dirname(char *path)
{
    if (path == NULL || *path == '\0')
        return ".";
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    while (n > 0 && path[n - 1] != '/')
        n--;
    if (n == 0)
        return ".";
    while (n > 1 && path[n - 1] == '/')
        n--;
    path[n] = '\0';
    return path;
}

/* Whether FD is a terminal: the kernel's answer, yes only for a console descriptor whose
 * end at the runner is a terminal (eremit passes which are).  newlib's isatty() said yes
 * for the console (a character device) whatever it was attached to, so stdout was
 * line-buffered and programs such as the SQLite shell or lua turned interactive and
 * printed prompts with pipes too; now they behave as natively.  Errors: EBADF, ENOTTY. */
int isatty(int fd)
{
    int32_t r = sys_isatty(fd);
    if (r < 0) {
        __hermit_ret(r); /* sets errno */
        return 0;
    }
    if (r == 0)
        errno = ENOTTY;
    return r > 0;
}
ALIAS(isatty, _isatty);

int ttyname_r(int fd, char *buf, size_t len)
{
    if (!isatty(fd))
        return errno;
    if (len < sizeof "/dev/console")
        return ERANGE;
    strcpy(buf, "/dev/console");
    return 0;
}

char *ttyname(int fd)
{
    static char name[32];
    int e = ttyname_r(fd, name, sizeof name);
    if (e != 0) {
        errno = e;
        return NULL;
    }
    return name;
}
