/* The current directory switching between a volume and the in-memory tree while other
 * threads resolve relative paths against it. The kernel once held the volume's
 * current-directory lock (a spin lock) while it waited for the in-memory filesystem's
 * sleeping lock, and took them the other way round elsewhere: every CPU then spun for
 * good (the fuzzer found it). Usage: cwd_race VOLUMEDIR OTHERDIR. Prints how many calls
 * ran; natively the same. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define ROUNDS 5000

static const char *dirs[2];

static void *switcher(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        if (chdir(dirs[i & 1]) != 0) {
            perror("chdir");
            exit(1);
        }
    }
    return NULL;
}

/* Relative paths: each call makes its path absolute against whichever directory is
 * current at that moment; what it answers depends on the race, that it returns does
 * not. */
static void *resolver(void *arg)
{
    long kind = (long)arg;
    struct stat st;
    struct statvfs sv;
    char buf[256];
    for (int i = 0; i < ROUNDS; i++) {
        switch ((i + kind) % 4) {
        case 0:
            stat("hello.txt", &st);
            break;
        case 1:
            access("nothing-here", F_OK);
            break;
        case 2:
            statvfs(".", &sv);
            break;
        default:
            if (getcwd(buf, sizeof buf) == NULL && errno != ERANGE) {
                perror("getcwd");
                exit(1);
            }
            break;
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: cwd_race VOLUMEDIR OTHERDIR\n");
        return 2;
    }
    dirs[0] = argv[1];
    dirs[1] = argv[2];
    pthread_t t[4];
    pthread_create(&t[0], NULL, switcher, NULL);
    for (long k = 1; k < 4; k++)
        pthread_create(&t[k], NULL, resolver, (void *)k);
    for (int k = 0; k < 4; k++)
        pthread_join(t[k], NULL);
    printf("cwd race: %d directory changes, %d relative-path calls, all returned\n", ROUNDS,
           3 * ROUNDS);
    return 0;
}
