/* Lists a directory with readdir and prints how many entries (besides . and ..) it has
 * and a checksum of their names, order-independent: a directory of 100,000 entries
 * (issue 16) reads whole. argv[1]: the directory. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    DIR *d = opendir(argc > 1 ? argv[1] : "/data");
    if (!d) {
        perror("opendir");
        return 1;
    }
    struct dirent *e;
    long n = 0;
    uint64_t sum = 0;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        uint64_t h = 1469598103934665603ULL;
        for (const char *p = e->d_name; *p; p++)
            h = (h ^ (unsigned char)*p) * 1099511628211ULL;
        sum += h;
        n++;
    }
    closedir(d);
    printf("%ld entries, names %016llx\n", n, (unsigned long long)sum);
    return 0;
}
