/* tty: whether descriptors 0, 1 and 2 are terminals (isatty, and errno when not), and
 * for a terminal stdin the name ttyname gives. Run in Eremit and natively with the same
 * stdin, stdout and stderr (pipes, a file, /dev/null, closed, a pseudo-terminal). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    int answers[3], errors[3];
    for (int fd = 0; fd < 3; fd++) {
        errno = 0;
        answers[fd] = isatty(fd);
        errors[fd] = errno;
    }
    for (int fd = 0; fd < 3; fd++)
        printf("isatty(%d) = %d%s%s\n", fd, answers[fd], answers[fd] ? "" : " errno ",
               answers[fd] ? "" : errors[fd] == ENOTTY ? "ENOTTY" : errors[fd] == EBADF ? "EBADF" : "other");
    return 0;
}
