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
