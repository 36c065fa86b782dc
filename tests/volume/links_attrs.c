/* Links, modes, times, file system statistics and locks on a volume (issue 16): symlink,
 * readlink, link, chmod/fchmod, chown (accepted), utimensat/futimens, statvfs/fstatvfs,
 * fcntl record locks and flock within one process. argv[1] is the directory (a volume in
 * Eremit, the host directory natively), holding hello.txt; output equals the native run's. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

static const char *root;

static const char *at(const char *rel)
{
    static char b[4][512];
    static int n;
    char *p = b[n++ % 4];
    snprintf(p, 512, "%s/%s", root, rel);
    return p;
}

static const char *err_name(int e)
{
    switch (e) {
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case EINVAL: return "EINVAL";
    case EPERM: return "EPERM";
    case EAGAIN: return "EAGAIN";
    case EBADF: return "EBADF";
    default: return strerror(e);
    }
}

#define SHOW(label, expr)                                                                   \
    do {                                                                                    \
        errno = 0;                                                                          \
        long r_ = (long)(expr);                                                             \
        printf("%-26s %s\n", label, r_ < 0 ? err_name(errno) : "ok");                       \
    } while (0)

int main(int argc, char **argv)
{
    root = argc > 1 ? argv[1] : "/data";
    struct stat st;
    char buf[256];

    SHOW("symlink sl -> hello.txt", symlink("hello.txt", at("sl")));
    SHOW("symlink over existing", symlink("x", at("sl")));
    ssize_t n = readlink(at("sl"), buf, sizeof buf);
    printf("readlink sl: %.*s (%zd)\n", (int)(n > 0 ? n : 0), buf, n);
    n = readlink(at("sl"), buf, 3);
    printf("readlink truncated: %.*s\n", (int)(n > 0 ? n : 0), buf);
    SHOW("readlink on a file", readlink(at("hello.txt"), buf, sizeof buf));
    SHOW("readlink missing", readlink(at("none"), buf, sizeof buf));
    lstat(at("sl"), &st);
    printf("lstat sl: link %d size %lld\n", S_ISLNK(st.st_mode), (long long)st.st_size);
    stat(at("sl"), &st);
    printf("stat sl: regular %d size %lld\n", S_ISREG(st.st_mode), (long long)st.st_size);
    SHOW("symlink dangling", symlink("nowhere", at("dangling")));
    SHOW("open dangling", open(at("dangling"), O_RDONLY));
    SHOW("create through dangling", open(at("dangling"), O_CREAT | O_WRONLY, 0644));
    stat(at("nowhere"), &st);
    printf("created target size %lld\n", (long long)st.st_size);
    SHOW("mkdir sub", mkdir(at("sub"), 0755));
    SHOW("symlink sub/up -> ..", symlink("..", at("sub/up")));
    SHOW("stat sub/up/hello.txt", stat(at("sub/up/hello.txt"), &st));

    SHOW("link hard -> hello.txt", link(at("hello.txt"), at("hard")));
    stat(at("hello.txt"), &st);
    printf("nlink after link: %ld\n", (long)st.st_nlink);
    SHOW("link onto existing", link(at("hello.txt"), at("hard")));
    SHOW("link a directory", link(at("sub"), at("sub2")));
    SHOW("unlink hard", unlink(at("hard")));
    stat(at("hello.txt"), &st);
    printf("nlink after unlink: %ld\n", (long)st.st_nlink);

    SHOW("chmod 600", chmod(at("hello.txt"), 0600));
    stat(at("hello.txt"), &st);
    printf("mode %o\n", (unsigned)st.st_mode);
    int fd = open(at("hello.txt"), O_RDWR);
    SHOW("fchmod 640", fchmod(fd, 0640));
    fstat(fd, &st);
    printf("mode %o\n", (unsigned)st.st_mode);
    SHOW("chown to self", chown(at("hello.txt"), getuid(), getgid()));
    SHOW("chmod missing", chmod(at("none"), 0600));

    struct timespec ts[2] = {{1000000000, 5000}, {1200000000, 7000}};
    SHOW("utimensat", utimensat(AT_FDCWD, at("hello.txt"), ts, 0));
    stat(at("hello.txt"), &st);
    printf("atime %lld.%09ld mtime %lld.%09ld\n", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
           (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    struct timespec omit[2] = {{0, UTIME_OMIT}, {1300000000, 0}};
    SHOW("futimens (atime omitted)", futimens(fd, omit));
    fstat(fd, &st);
    printf("atime %lld mtime %lld\n", (long long)st.st_atim.tv_sec, (long long)st.st_mtim.tv_sec);
    SHOW("utimensat now", utimensat(AT_FDCWD, at("hello.txt"), NULL, 0));
    stat(at("hello.txt"), &st);
    printf("mtime is recent: %d\n", st.st_mtim.tv_sec > 1600000000);
    SHOW("utimensat bad nsec", utimensat(AT_FDCWD, at("hello.txt"), (struct timespec[2]){{0, -5}, {0, 0}}, 0));

    struct statvfs vs;
    SHOW("statvfs", statvfs(at("hello.txt"), &vs));
    printf("statvfs: bsize>0 %d blocks>0 %d namemax %lu ro %lu\n", vs.f_bsize > 0, vs.f_blocks > 0,
           vs.f_namemax, vs.f_flag & ST_RDONLY);
    SHOW("fstatvfs", fstatvfs(fd, &vs));
    SHOW("statvfs missing", statvfs(at("none"), &vs));

    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10};
    SHOW("F_SETLK write 0-9", fcntl(fd, F_SETLK, &fl));
    fl.l_type = F_RDLCK;
    SHOW("F_GETLK (own lock)", fcntl(fd, F_GETLK, &fl));
    printf("F_GETLK type unlocked: %d\n", fl.l_type == F_UNLCK);
    fl.l_type = F_UNLCK;
    SHOW("F_SETLK unlock", fcntl(fd, F_SETLK, &fl));
    fl.l_type = F_WRLCK;
    SHOW("F_SETLKW whole file", fcntl(fd, F_SETLKW, &fl));
    int ro = open(at("hello.txt"), O_RDONLY);
    SHOW("F_SETLK write on O_RDONLY", fcntl(ro, F_SETLK, &fl));
    fl.l_type = 42;
    SHOW("F_SETLK bad type", fcntl(fd, F_SETLK, &fl));
    SHOW("flock LOCK_EX", flock(fd, LOCK_EX));
    SHOW("flock LOCK_SH|LOCK_NB", flock(fd, LOCK_SH | LOCK_NB));
    SHOW("flock LOCK_UN", flock(fd, LOCK_UN));
    SHOW("flock bad fd", flock(99, LOCK_EX));
    close(ro);
    close(fd);
    SHOW("unlink sl", unlink(at("sl")));
    SHOW("unlink sub/up", unlink(at("sub/up")));
    SHOW("rmdir sub", rmdir(at("sub")));
    return 0;
}
