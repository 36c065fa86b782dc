/* realpath: the absolute path with no ".", "..", repeated slashes or symbolic links,
 * resolved one component at a time as Linux does: each prefix is asked for as a link
 * (readlink); a link's target replaces it ("/" restarts from the root), at most
 * MAX_LINKS times (ELOOP). Every component must exist (ENOENT) and all but the last
 * be directories (ENOTDIR), as glibc's realpath requires. */

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Linux's MAXSYMLINKS, as the kernel's resolution counts. */
#define MAX_LINKS 40

/* Puts `head` followed by "/" and `tail` into `rest` (which may hold `tail`). */
static int splice(char *rest, const char *head, size_t hlen, const char *tail)
{
    size_t tlen = strlen(tail);
    if (hlen + 1 + tlen >= PATH_MAX) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memmove(rest + hlen + 1, tail, tlen + 1);
    memcpy(rest, head, hlen);
    rest[hlen] = '/';
    return 0;
}

static int is_dir(const char *path)
{
    struct stat st;
    if (stat(path[0] ? path : "/", &st) < 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

char *realpath(const char *restrict path, char *restrict resolved)
{
    char rest[PATH_MAX], out[PATH_MAX], target[PATH_MAX];
    size_t len = 0; /* out[0..len): the resolved prefix, "" for the root */
    int links = 0;

    if (path == NULL) {
        errno = EINVAL;
        return NULL;
    }
    if (path[0] == '\0') {
        errno = ENOENT;
        return NULL;
    }
    if (strlen(path) >= PATH_MAX) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    strcpy(rest, path);
    if (path[0] != '/') {
        if (getcwd(out, sizeof out) == NULL)
            return NULL;
        len = strlen(out);
        if (len == 1)
            len = 0; /* "/" */
    }
    out[len] = '\0';

    char *p = rest;
    while (*p) {
        while (*p == '/')
            p++;
        char *end = strchrnul(p, '/');
        size_t n = (size_t)(end - p);
        if (n == 0)
            break; /* trailing slashes */
        /* Whatever comes after a component needs it to be a directory. */
        if (is_dir(out) < 0)
            return NULL;
        if (n == 1 && p[0] == '.') {
            p = end;
            continue;
        }
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            while (len > 0 && out[len - 1] != '/')
                len--;
            if (len > 0)
                len--;
            out[len] = '\0';
            p = end;
            continue;
        }
        if (len + 1 + n >= sizeof out) {
            errno = ENAMETOOLONG;
            return NULL;
        }
        size_t before = len;
        out[len++] = '/';
        memcpy(out + len, p, n);
        len += n;
        out[len] = '\0';
        p = end;
        ssize_t t = readlink(out, target, sizeof target - 1);
        if (t < 0) {
            if (errno == EINVAL) /* not a link */
                continue;
            return NULL;
        }
        if (++links > MAX_LINKS) {
            errno = ELOOP;
            return NULL;
        }
        /* The target, then what was left, is what remains to resolve. */
        if (splice(rest, target, (size_t)t, p) < 0)
            return NULL;
        p = rest;
        len = target[0] == '/' ? 0 : before;
        out[len] = '\0';
    }
    if (len == 0) {
        out[0] = '/';
        out[1] = '\0';
    } else if (is_dir(out) < 0 && errno != ENOTDIR) {
        return NULL; /* the last component must exist; it need not be a directory */
    }
    if (resolved == NULL)
        return strdup(out);
    return strcpy(resolved, out);
}
