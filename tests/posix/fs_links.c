/* The file system as GCC's filesystem tests use it: symbolic links (symlink, readlink,
 * lstat, following in the middle and at the end of paths, O_NOFOLLOW, ELOOP, dangling
 * links created through), hard links (link, st_nlink, unlink of one name), realpath
 * through links, stored modes (chmod, fchmod, umask at creation, access as root),
 * statvfs/fstatvfs, d_type of links, and CLOCK_MONOTONIC not starting near 0.
 * Runs in a fresh directory under /tmp; prints only what Linux fixes. */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static const char *ename(int e)
{
	switch (e) {
	case 0: return "0";
	case ENOENT: return "ENOENT";
	case EEXIST: return "EEXIST";
	case EINVAL: return "EINVAL";
	case ELOOP: return "ELOOP";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case ENOTDIR: return "ENOTDIR";
	case EISDIR: return "EISDIR";
	default: return "other";
	}
}

/* Runs `call` (an int result, -1 on failure) and prints its result and errno name. */
#define SHOW(label, call)                                                                \
	do {                                                                             \
		errno = 0;                                                               \
		long r_ = (long)(call);                                                  \
		printf("%s: %ld %s\n", label, r_ < 0 ? -1L : r_, r_ < 0 ? ename(errno) : "0"); \
	} while (0)

static unsigned mode_of(const char *path)
{
	struct stat st;
	CHECK(stat(path, &st) == 0);
	return st.st_mode & 07777;
}

static const char *type_of(mode_t m)
{
	return S_ISLNK(m) ? "link" : S_ISDIR(m) ? "dir" : S_ISREG(m) ? "file" : "other";
}

int main(void)
{
	char dir[] = "/tmp/fs_links.XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	CHECK(chdir(dir) == 0);
	char here[PATH_MAX];
	CHECK(realpath(".", here) != NULL);
	size_t here_len = strlen(here);

	/* Modes: the umask at creation, chmod and fchmod stored, access as root. */
	printf("umask was %03o\n", (unsigned)umask(022));
	int fd = open("f", O_CREAT | O_RDWR, 0666);
	CHECK(fd >= 0);
	CHECK(write(fd, "hello", 5) == 5);
	printf("f created 0666: %04o\n", mode_of("f"));
	printf("umask(077) was %03o\n", (unsigned)umask(077));
	CHECK(mkdir("d", 0777) == 0);
	printf("d made 0777: %04o\n", mode_of("d"));
	umask(022);
	CHECK(chmod("f", 0600) == 0);
	printf("chmod 0600: %04o\n", mode_of("f"));
	CHECK(fchmod(fd, 04755) == 0);
	printf("fchmod 04755: %04o\n", mode_of("f"));
	SHOW("access X_OK 0755", access("f", X_OK));
	CHECK(chmod("f", 0) == 0);
	SHOW("access R_OK|W_OK 0000", access("f", R_OK | W_OK));
	SHOW("access X_OK 0000", access("f", X_OK));
	CHECK(chmod("f", 0644) == 0);
	close(fd);
	SHOW("chmod missing", chmod("none", 0644));

	/* Symbolic links. */
	SHOW("symlink f l", symlink("f", "l"));
	SHOW("symlink again", symlink("x", "l"));
	SHOW("symlink empty target", symlink("", "e"));
	struct stat st;
	CHECK(lstat("l", &st) == 0);
	printf("lstat l: %s %04o size %lld\n", type_of(st.st_mode), (unsigned)(st.st_mode & 07777),
	       (long long)st.st_size);
	CHECK(stat("l", &st) == 0);
	printf("stat l: %s size %lld\n", type_of(st.st_mode), (long long)st.st_size);
	char buf[64];
	ssize_t n = readlink("l", buf, sizeof buf);
	printf("readlink l: %zd '%.*s'\n", n, (int)(n > 0 ? n : 0), buf);
	n = readlink("l", buf, 0 + 1);
	printf("readlink l into 1 byte: %zd\n", n);
	SHOW("readlink f", readlink("f", buf, sizeof buf));
	SHOW("readlink none", readlink("none", buf, sizeof buf));
	SHOW("open l O_NOFOLLOW", open("l", O_RDONLY | O_NOFOLLOW));
	fd = open("l", O_RDONLY);
	CHECK(fd >= 0);
	n = read(fd, buf, sizeof buf);
	printf("read through l: %zd '%.*s'\n", n, (int)(n > 0 ? n : 0), buf);
	close(fd);

	/* Loops and dangling links. */
	CHECK(symlink("loop2", "loop1") == 0);
	CHECK(symlink("loop1", "loop2") == 0);
	SHOW("stat loop1", stat("loop1", &st));
	SHOW("lstat loop1", lstat("loop1", &st));
	SHOW("open loop1", open("loop1", O_RDONLY));
	SHOW("stat loop1/x", stat("loop1/x", &st));
	CHECK(symlink("newfile", "dangling") == 0);
	SHOW("stat dangling", stat("dangling", &st));
	fd = open("dangling", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0);
	close(fd);
	SHOW("stat newfile after O_CREAT through dangling", stat("newfile", &st));
	SHOW("O_CREAT|O_EXCL on a link", open("dangling", O_CREAT | O_EXCL | O_WRONLY, 0644));

	/* Directories through links; ".." is the parent of where the link led. */
	CHECK(mkdir("d/sub", 0755) == 0);
	CHECK(symlink("d/sub", "ls") == 0);
	fd = open("ls/x", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0);
	close(fd);
	SHOW("stat d/sub/x", stat("d/sub/x", &st));
	CHECK(stat("ls/..", &st) == 0);
	struct stat d_st;
	CHECK(stat("d", &d_st) == 0);
	printf("ls/.. is d: %d\n", st.st_ino == d_st.st_ino);
	SHOW("rmdir ls", rmdir("ls"));
	SHOW("stat l/x (file in the middle)", stat("l/x", &st));
	char *rp = realpath("ls/../sub/./x", NULL);
	printf("realpath ls/../sub/./x: %s\n", rp ? rp + here_len : ename(errno));
	free(rp);
	CHECK(symlink(here, "abs") == 0);
	rp = realpath("abs/ls", NULL);
	printf("realpath abs/ls: %s\n", rp ? rp + here_len : ename(errno));
	free(rp);
	rp = realpath("loop1", NULL);
	printf("realpath loop1: %s\n", rp ? rp : ename(errno));
	rp = realpath("dangling2", NULL);
	printf("realpath missing: %s\n", rp ? rp : ename(errno));

	/* Hard links. */
	SHOW("link f h", link("f", "h"));
	CHECK(stat("f", &st) == 0);
	printf("nlink of f: %ld\n", (long)st.st_nlink);
	SHOW("link f h again", link("f", "h"));
	SHOW("link d hd", link("d", "hd"));
	SHOW("link none x", link("none", "x"));
	SHOW("unlink f", unlink("f"));
	CHECK(stat("h", &st) == 0);
	printf("h after unlink f: nlink %ld size %lld\n", (long)st.st_nlink, (long long)st.st_size);
	SHOW("stat l (now dangling)", stat("l", &st));
	SHOW("rename h f", rename("h", "f"));
	SHOW("stat l again", stat("l", &st));

	/* d_type of each entry. */
	DIR *dp = opendir(".");
	CHECK(dp != NULL);
	const char *names[32];
	int types[32], count = 0;
	struct dirent *de;
	while ((de = readdir(dp)) != NULL && count < 32) {
		if (de->d_name[0] == '.')
			continue;
		names[count] = strdup(de->d_name);
		types[count++] = de->d_type;
	}
	closedir(dp);
	for (int i = 0; i < count; i++)
		for (int j = i + 1; j < count; j++)
			if (strcmp(names[j], names[i]) < 0) {
				const char *t = names[i];
				names[i] = names[j];
				names[j] = t;
				int k = types[i];
				types[i] = types[j];
				types[j] = k;
			}
	for (int i = 0; i < count; i++)
		printf("entry %s: %s\n", names[i],
		       types[i] == DT_LNK ? "DT_LNK" : types[i] == DT_DIR ? "DT_DIR" : types[i] == DT_REG ? "DT_REG" : "other");

	/* File system statistics. */
	struct statvfs sv;
	SHOW("statvfs .", statvfs(".", &sv));
	printf("statvfs sane: %d\n", sv.f_bsize > 0 && sv.f_blocks >= sv.f_bfree && sv.f_bfree >= sv.f_bavail && sv.f_namemax == 255);
	fd = open("f", O_RDONLY);
	SHOW("fstatvfs", fstatvfs(fd, &sv));
	close(fd);
	SHOW("statvfs missing", statvfs("none", &sv));

	/* CLOCK_MONOTONIC is not near 0 when a program starts (Linux: the host's uptime). */
	struct timespec ts;
	CHECK(clock_gettime(CLOCK_MONOTONIC, &ts) == 0);
	printf("CLOCK_MONOTONIC above 10 s: %d\n", ts.tv_sec > 10);

	/* Clean up: links go, their targets stay until removed. */
	const char *files[] = {"l", "loop1", "loop2", "dangling", "newfile", "ls", "abs", "f", "d/sub/x"};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		CHECK(unlink(files[i]) == 0);
	CHECK(rmdir("d/sub") == 0);
	CHECK(rmdir("d") == 0);
	CHECK(chdir("/") == 0);
	CHECK(rmdir(dir) == 0);
	printf("done\n");
	return 0;
}
