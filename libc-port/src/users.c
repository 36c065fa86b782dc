/* The user and group databases.  A unikernel has one user, root (uid 0, gid 0, home
 * /root, shell /bin/sh, as in a Debian container's /etc/passwd) and one group, root;
 * there is no /etc/passwd to read.  Lookups of anything else find nothing (NULL and
 * errno unchanged; the _r variants return 0 with *result NULL), as glibc does for an
 * unknown name. */

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static struct passwd root_user = {
    .pw_name = "root", .pw_passwd = "x", .pw_uid = 0, .pw_gid = 0,
    .pw_comment = "", .pw_gecos = "root", .pw_dir = "/root", .pw_shell = "/bin/sh",
};

static char *root_members[] = {NULL};
static struct group root_group = {
    .gr_name = "root", .gr_passwd = "x", .gr_gid = 0, .gr_mem = root_members,
};

struct passwd *getpwuid(uid_t uid)
{
    return uid == 0 ? &root_user : NULL;
}

struct passwd *getpwnam(const char *name)
{
    return name != NULL && strcmp(name, "root") == 0 ? &root_user : NULL;
}

struct group *getgrgid(gid_t gid)
{
    return gid == 0 ? &root_group : NULL;
}

struct group *getgrnam(const char *name)
{
    return name != NULL && strcmp(name, "root") == 0 ? &root_group : NULL;
}

/* Copies S into the caller's buffer at *next (BUF..END), or returns NULL if it does not fit. */
static char *place(const char *s, char **next, char *end)
{
    size_t n = strlen(s) + 1;
    if ((size_t)(end - *next) < n)
        return NULL;
    char *p = memcpy(*next, s, n);
    *next += n;
    return p;
}

/* The _r variants copy the strings into the caller's buffer; ERANGE when it is too small
 * (the caller retries with a larger one, as with glibc). */
static int copy_user(const struct passwd *src, struct passwd *pw, char *buf, size_t len,
                     struct passwd **result)
{
    *result = NULL;
    if (src == NULL)
        return 0;
    char *next = buf, *end = buf + len;
    struct passwd out = *src;
    if ((out.pw_name = place(src->pw_name, &next, end)) == NULL ||
        (out.pw_passwd = place(src->pw_passwd, &next, end)) == NULL ||
        (out.pw_comment = place(src->pw_comment, &next, end)) == NULL ||
        (out.pw_gecos = place(src->pw_gecos, &next, end)) == NULL ||
        (out.pw_dir = place(src->pw_dir, &next, end)) == NULL ||
        (out.pw_shell = place(src->pw_shell, &next, end)) == NULL)
        return ERANGE;
    *pw = out;
    *result = pw;
    return 0;
}

static int copy_group(const struct group *src, struct group *gr, char *buf, size_t len,
                      struct group **result)
{
    *result = NULL;
    if (src == NULL)
        return 0;
    /* The member list (one NULL: root's group lists no members) first, aligned. */
    size_t skip = (size_t)(-(uintptr_t)buf & (_Alignof(char *) - 1));
    if (len < skip + sizeof(char *))
        return ERANGE;
    char **members = (char **)(void *)(buf + skip);
    members[0] = NULL;
    char *next = buf + skip + sizeof(char *), *end = buf + len;
    struct group out = *src;
    out.gr_mem = members;
    if ((out.gr_name = place(src->gr_name, &next, end)) == NULL ||
        (out.gr_passwd = place(src->gr_passwd, &next, end)) == NULL)
        return ERANGE;
    *gr = out;
    *result = gr;
    return 0;
}

int getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t len, struct passwd **result)
{
    return copy_user(getpwuid(uid), pw, buf, len, result);
}

int getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t len,
               struct passwd **result)
{
    return copy_user(getpwnam(name), pw, buf, len, result);
}

int getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t len, struct group **result)
{
    return copy_group(getgrgid(gid), gr, buf, len, result);
}

int getgrnam_r(const char *name, struct group *gr, char *buf, size_t len,
               struct group **result)
{
    return copy_group(getgrnam(name), gr, buf, len, result);
}

/* Enumeration: the one entry, then the end. */
static int user_walk, group_walk;

struct passwd *getpwent(void)
{
    return user_walk++ == 0 ? &root_user : NULL;
}

void setpwent(void) { user_walk = 0; }
void endpwent(void) { user_walk = 0; }

struct group *getgrent(void)
{
    return group_walk++ == 0 ? &root_group : NULL;
}

void setgrent(void) { group_walk = 0; }
void endgrent(void) { group_walk = 0; }

/* root belongs to its own group only. */
int getgroups(int size, gid_t list[])
{
    if (size == 0)
        return 1;
    if (size < 0)
        return errno = EINVAL, -1;
    list[0] = 0;
    return 1;
}

int initgroups(const char *user, gid_t group)
{
    (void)user;
    (void)group;
    return 0;
}

char *getlogin(void)
{
    return "root";
}

int getlogin_r(char *buf, size_t len)
{
    if (len < sizeof "root")
        return ERANGE;
    memcpy(buf, "root", sizeof "root");
    return 0;
}
