/* Terminal attributes.  The console is the only terminal (descriptors 0-2, when the
 * runner says their end is a terminal: isatty()); it has one set of attributes, which
 * starts as a new Linux pseudo-terminal's (the kernel's tty_std_termios for a pty:
 * cooked mode, 38400 baud) and which tcsetattr replaces.  They are remembered, not applied: the runner forwards input and output as
 * they come, so a program that turns off ECHO or ICANON reads what it would read
 * anyway.  Every call on a descriptor that is not a terminal fails with ENOTTY (EBADF
 * for one that is not open), as on Linux.  The speed functions are glibc's (2.36). */

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "port.h"

/* glibc's private c_iflag bit recording "input speed 0 = same as output". */
#define IBAUD0 020000000000u

static struct termios console = {
    .c_iflag = ICRNL | IXON,
    .c_oflag = OPOST | ONLCR,
    .c_cflag = B38400 | CS8 | CREAD,
    .c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
    .c_cc = {
        [VINTR] = 003, [VQUIT] = 034, [VERASE] = 0177, [VKILL] = 025, [VEOF] = 004,
        [VTIME] = 0, [VMIN] = 1, [VSTART] = 021, [VSTOP] = 023, [VSUSP] = 032,
        [VREPRINT] = 022, [VDISCARD] = 017, [VWERASE] = 027, [VLNEXT] = 026,
    },
    .c_ispeed = B38400,
    .c_ospeed = B38400,
};
static struct winsize console_size; /* 0 rows: not set by TIOCSWINSZ */
static pthread_mutex_t console_lock = PTHREAD_MUTEX_INITIALIZER;

/* isatty() sets errno (EBADF or ENOTTY) when it answers no. */
static int terminal(int fd)
{
    return isatty(fd);
}

int tcgetattr(int fd, struct termios *t)
{
    if (!terminal(fd))
        return -1;
    if (!__eremit_user_ok(t, sizeof *t, 1))
        return __hermit_fail(EFAULT);
    pthread_mutex_lock(&console_lock);
    *t = console;
    pthread_mutex_unlock(&console_lock);
    return 0;
}

int tcsetattr(int fd, int actions, const struct termios *t)
{
    if (actions != TCSANOW && actions != TCSADRAIN && actions != TCSAFLUSH)
        return __hermit_fail(EINVAL);
    if (!terminal(fd))
        return -1;
    if (!__eremit_user_ok(t, sizeof *t, 0))
        return __hermit_fail(EFAULT);
    pthread_mutex_lock(&console_lock);
    console = *t;
    console.c_iflag &= ~IBAUD0;
    pthread_mutex_unlock(&console_lock);
    return 0;
}

/* Output is written as it is produced and there is no input queue to flush or flow to
 * control: these only check the descriptor (and, like Linux, their argument). */
int tcdrain(int fd)
{
    return terminal(fd) ? 0 : -1;
}

int tcflush(int fd, int queue)
{
    if (!terminal(fd))
        return -1;
    return queue == TCIFLUSH || queue == TCOFLUSH || queue == TCIOFLUSH ? 0
                                                                         : __hermit_fail(EINVAL);
}

int tcflow(int fd, int action)
{
    if (!terminal(fd))
        return -1;
    return action >= TCOOFF && action <= TCION ? 0 : __hermit_fail(EINVAL);
}

int tcsendbreak(int fd, int duration)
{
    (void)duration;
    return terminal(fd) ? 0 : -1;
}

/* The program is the session leader of its console. */
pid_t tcgetsid(int fd)
{
    return terminal(fd) ? getpid() : -1;
}

/* TIOCGWINSZ/TIOCSWINSZ (io.c's ioctl hands them over).  The runner does not tell the
 * size of its terminal: what TIOCSWINSZ set, else LINES x COLUMNS from the environment
 * when both are set, else
 * 24 x 80, a terminal's classic size. */
int __eremit_tty_ioctl(int fd, unsigned long request, void *arg)
{
    if (!terminal(fd))
        return -1;
    if (!__eremit_user_ok(arg, sizeof(struct winsize), request == TIOCGWINSZ))
        return __hermit_fail(EFAULT);
    struct winsize *ws = arg;
    pthread_mutex_lock(&console_lock);
    if (request == TIOCSWINSZ) {
        console_size = *ws;
    } else if (console_size.ws_row != 0) {
        *ws = console_size;
    } else {
        const char *lines = getenv("LINES"), *columns = getenv("COLUMNS");
        long r = lines ? strtol(lines, NULL, 10) : 0, c = columns ? strtol(columns, NULL, 10) : 0;
        int from_env = r > 0 && r < 65536 && c > 0 && c < 65536;
        *ws = (struct winsize){.ws_row = from_env ? (unsigned short)r : 24,
                               .ws_col = from_env ? (unsigned short)c : 80};
    }
    pthread_mutex_unlock(&console_lock);
    return 0;
}

speed_t cfgetospeed(const struct termios *t)
{
    return t->c_cflag & (CBAUD | CBAUDEX);
}

speed_t cfgetispeed(const struct termios *t)
{
    return t->c_iflag & IBAUD0 ? 0 : t->c_cflag & (CBAUD | CBAUDEX);
}

/* A B* constant: B0..B38400, or B57600..B4000000 (with CBAUDEX). */
static int valid_speed(speed_t speed)
{
    return (speed & ~(speed_t)CBAUD) == 0 || (speed >= B57600 && speed <= __MAX_BAUD);
}

int cfsetospeed(struct termios *t, speed_t speed)
{
    if (!valid_speed(speed))
        return __hermit_fail(EINVAL);
    t->c_ospeed = speed;
    t->c_cflag &= ~(tcflag_t)(CBAUD | CBAUDEX);
    t->c_cflag |= speed;
    return 0;
}

int cfsetispeed(struct termios *t, speed_t speed)
{
    if (!valid_speed(speed))
        return __hermit_fail(EINVAL);
    t->c_ispeed = speed;
    if (speed == 0) {
        t->c_iflag |= IBAUD0;
    } else {
        t->c_iflag &= ~IBAUD0;
        t->c_cflag &= ~(tcflag_t)(CBAUD | CBAUDEX);
        t->c_cflag |= speed;
    }
    return 0;
}

/* BSD's cfsetspeed: a B* constant or the speed in baud (9600). */
int cfsetspeed(struct termios *t, speed_t speed)
{
    static const struct { speed_t baud, code; } speeds[] = {
        {0, B0}, {50, B50}, {75, B75}, {110, B110}, {134, B134}, {150, B150},
        {200, B200}, {300, B300}, {600, B600}, {1200, B1200}, {1800, B1800},
        {2400, B2400}, {4800, B4800}, {9600, B9600}, {19200, B19200}, {38400, B38400},
        {57600, B57600}, {115200, B115200}, {230400, B230400}, {460800, B460800},
        {500000, B500000}, {576000, B576000}, {921600, B921600}, {1000000, B1000000},
        {1152000, B1152000}, {1500000, B1500000}, {2000000, B2000000},
        {2500000, B2500000}, {3000000, B3000000}, {3500000, B3500000},
        {4000000, B4000000},
    };
    for (size_t i = 0; i < sizeof speeds / sizeof speeds[0]; i++) {
        if (speed == speeds[i].code || speed == speeds[i].baud) {
            cfsetispeed(t, speeds[i].code);
            cfsetospeed(t, speeds[i].code);
            return 0;
        }
    }
    return __hermit_fail(EINVAL);
}

void cfmakeraw(struct termios *t)
{
    t->c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t->c_oflag &= ~(tcflag_t)OPOST;
    t->c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    t->c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
    t->c_cflag |= CS8;
    t->c_cc[VMIN] = 1;
    t->c_cc[VTIME] = 0;
}
