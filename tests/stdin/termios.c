/* termios: the terminal attributes of descriptors 0, 1 and 2 (tcgetattr, or its errno),
 * whether TIOCGWINSZ answers, and the attributes read back after tcsetattr of
 * cfmakeraw's (then restored). Run in Eremit and natively with the same descriptors (a
 * new pseudo-terminal, or pipes): the attributes a new pty starts with are Linux's. */
#include <errno.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static const char *ename(int e)
{
    return e == ENOTTY ? "ENOTTY" : e == EBADF ? "EBADF" : "other";
}

static void show(const struct termios *t)
{
    printf(" iflag %#o oflag %#o cflag %#o lflag %#o speed %#o/%#o cc", t->c_iflag, t->c_oflag,
           t->c_cflag, t->c_lflag, cfgetispeed(t), cfgetospeed(t));
    for (int i = 0; i <= VEOL2; i++)
        printf(" %d", t->c_cc[i]);
}

int main(void)
{
    struct termios t[3];
    int ok[3];
    for (int fd = 0; fd < 3; fd++) {
        errno = 0;
        ok[fd] = tcgetattr(fd, &t[fd]) == 0;
        int e = errno;
        struct winsize ws;
        errno = 0;
        int w = ioctl(fd, TIOCGWINSZ, &ws);
        int we = errno;
        printf("fd %d: tcgetattr %s", fd, ok[fd] ? "0" : ename(e));
        if (ok[fd])
            show(&t[fd]);
        printf("; TIOCGWINSZ %s\n", w == 0 ? "0" : ename(we));
    }
    /* Only with a terminal on every descriptor: the output would otherwise change mode. */
    if (ok[0] && ok[1] && ok[2]) {
        struct termios raw = t[0], now;
        cfmakeraw(&raw);
        printf("tcsetattr raw: %d;", tcsetattr(0, TCSANOW, &raw));
        tcgetattr(0, &now);
        show(&now);
        printf("\n");
        printf("restored: %d\n", tcsetattr(0, TCSANOW, &t[0]));
    }
    fflush(stdout);
    return 0;
}
