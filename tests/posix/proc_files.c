/* /proc files programs read: /proc/version (one line), /proc/cpuinfo (one "processor"
 * entry per online CPU), /proc/meminfo (MemTotal, MemFree, MemAvailable in kB, free and
 * available at most the total), /proc/self/exe (a link naming the program's image).
 * Prints only what holds on Linux and in Eremit alike. */

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

static int read_file(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	CHECK(f != NULL);
	size_t n = fread(buf, 1, size - 1, f);
	buf[n] = 0;
	fclose(f);
	return (int)n;
}

static long field(const char *text, const char *name)
{
	const char *p = strstr(text, name);
	long kb = -1;
	char unit[8] = "";
	if (p && sscanf(p + strlen(name), " %ld %7s", &kb, unit) == 2 && strcmp(unit, "kB") == 0)
		return kb;
	return -1;
}

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

int main(int argc, char **argv)
{
	static char buf[1 << 16];
	int n = read_file("/proc/version", buf, sizeof buf);
	CHECK(n > 0 && buf[n - 1] == '\n' && strchr(buf, '\n') == buf + n - 1);
	printf("/proc/version: one line\n");

	read_file("/proc/cpuinfo", buf, sizeof buf);
	int processors = 0;
	for (char *p = buf; (p = strstr(p, "processor")) != NULL; p++)
		if (p == buf || p[-1] == '\n')
			processors++;
	CHECK(processors == sysconf(_SC_NPROCESSORS_ONLN));
	printf("/proc/cpuinfo: one processor entry per online CPU\n");

	read_file("/proc/meminfo", buf, sizeof buf);
	long total = field(buf, "MemTotal:"), free_kb = field(buf, "MemFree:"),
	     avail = field(buf, "MemAvailable:");
	CHECK(total > 0 && free_kb >= 0 && avail >= 0);
	CHECK(free_kb <= total && avail <= total);
	printf("/proc/meminfo: MemTotal, MemFree, MemAvailable in kB\n");

	char exe[4096];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	CHECK(argc > 0 && len > 0);
	exe[len] = 0;
	CHECK(strcmp(base(exe), base(argv[0])) == 0);
	CHECK(readlink("/proc/self/exe", exe, 2) == 2); /* truncated, no NUL */
	printf("/proc/self/exe: names the program's image\n");
	return 0;
}
