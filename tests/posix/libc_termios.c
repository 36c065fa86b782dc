/* posix-test: shim=skip
 * <termios.h> and <sys/termios.h>: glibc's struct layout and Linux's constants;
 * cfmakeraw and the speed functions on a structure; ENOTTY (and EBADF, EINVAL) from
 * the calls on a descriptor that is not a terminal (the test's output is a pipe), and
 * from ioctl(TIOCGWINSZ). */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/termios.h>
#include <termios.h>
#include <unistd.h>

static const char *ename(int e)
{
	switch (e) {
	case 0: return "0";
	case ENOTTY: return "ENOTTY";
	case EBADF: return "EBADF";
	case EINVAL: return "EINVAL";
	default: return "other";
	}
}

#define TRY(call) do { errno = 0; int r_ = (call); printf("%s -> %d %s\n", #call, r_, ename(errno)); } while (0)

static void show(const char *label, const struct termios *t)
{
	printf("%s: iflag %#o oflag %#o cflag %#o lflag %#o VMIN %d VTIME %d ispeed %#o ospeed %#o\n",
	       label, t->c_iflag, t->c_oflag, t->c_cflag, t->c_lflag, t->c_cc[VMIN], t->c_cc[VTIME],
	       cfgetispeed(t), cfgetospeed(t));
}

int main(void)
{
	printf("sizeof %zu, c_line %zu, c_cc %zu, c_ispeed %zu, c_ospeed %zu, NCCS %d\n",
	       sizeof(struct termios), offsetof(struct termios, c_line),
	       offsetof(struct termios, c_cc), offsetof(struct termios, c_ispeed),
	       offsetof(struct termios, c_ospeed), NCCS);
	printf("cc %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d %d\n", VINTR, VQUIT, VERASE,
	       VKILL, VEOF, VTIME, VMIN, VSWTC, VSTART, VSTOP, VSUSP, VEOL, VREPRINT, VDISCARD,
	       VWERASE, VLNEXT, VEOL2);
	printf("iflag %#o %#o %#o %#o %#o %#o %#o %#o %#o %#o %#o %#o %#o %#o %#o\n", IGNBRK,
	       BRKINT, IGNPAR, PARMRK, INPCK, ISTRIP, INLCR, IGNCR, ICRNL, IUCLC, IXON, IXANY,
	       IXOFF, IMAXBEL, IUTF8);
	printf("oflag %#o %#o %#o %#o %#o %#o %#o %#o %#o %#o %#o %#o %#o %#o\n", OPOST, OLCUC,
	       ONLCR, OCRNL, ONOCR, ONLRET, OFILL, OFDEL, NLDLY, CRDLY, TABDLY, BSDLY, VTDLY, FFDLY);
	printf("cflag %#o %#o %#o %#o %#o %#o %#o %#o %#o %#o %#o %#o\n", CBAUD, CSIZE, CS5, CS6,
	       CS7, CS8, CSTOPB, CREAD, PARENB, PARODD, HUPCL, CLOCAL);
	printf("cflag2 %#o %#o %#lo\n", CBAUDEX, CIBAUD, (unsigned long)CRTSCTS);
	printf("lflag %#o %#o %#o %#o %#o %#o %#o %#o %#o %#o %#o %#o %#o %#o %#o\n", ISIG,
	       ICANON, XCASE, ECHO, ECHOE, ECHOK, ECHONL, NOFLSH, TOSTOP, ECHOCTL, ECHOPRT,
	       ECHOKE, FLUSHO, PENDIN, IEXTEN);
	printf("speeds %#o %#o %#o %#o %#o %#o %#o\n", B0, B50, B9600, B38400, B57600, B115200,
	       B4000000);
	printf("actions %d %d %d, flush %d %d %d, flow %d %d %d %d\n", TCSANOW, TCSADRAIN,
	       TCSAFLUSH, TCIFLUSH, TCOFLUSH, TCIOFLUSH, TCOOFF, TCOON, TCIOFF, TCION);
	printf("TIOCGWINSZ %#x TIOCSWINSZ %#x, struct winsize %zu\n", (unsigned)TIOCGWINSZ,
	       (unsigned)TIOCSWINSZ, sizeof(struct winsize));

	struct termios t;
	memset(&t, 0, sizeof t);
	t.c_iflag = ICRNL | IXON | IGNBRK | ISTRIP;
	t.c_oflag = OPOST | ONLCR;
	t.c_cflag = B38400 | CS7 | PARENB | CREAD;
	t.c_lflag = ISIG | ICANON | ECHO | ECHOE | IEXTEN | ECHONL;
	t.c_cc[VTIME] = 5;
	t.c_cc[VMIN] = 0;
	show("cooked", &t);
	cfmakeraw(&t);
	show("raw", &t);
	TRY(cfsetospeed(&t, B115200));
	show("ospeed 115200", &t);
	TRY(cfsetispeed(&t, B9600));
	show("ispeed 9600", &t);
	TRY(cfsetspeed(&t, 19200));
	show("speed 19200 (baud)", &t);
	TRY(cfsetspeed(&t, B57600));
	show("speed B57600", &t);
	TRY(cfsetspeed(&t, 12345));
	TRY(cfsetospeed(&t, 12345));
	TRY(cfsetispeed(&t, 0x7fff));

	/* The test's stdout is a pipe: not a terminal. */
	TRY(tcgetattr(1, &t));
	TRY(tcsetattr(1, TCSANOW, &t));
	TRY(tcsetattr(1, 99, &t));
	TRY(tcdrain(1));
	TRY(tcflush(1, TCIOFLUSH));
	TRY(tcflow(1, TCOON));
	TRY(tcsendbreak(1, 0));
	TRY(tcgetsid(1));
	struct winsize ws;
	TRY(ioctl(1, TIOCGWINSZ, &ws));
	TRY(tcgetattr(99, &t));
	TRY(ioctl(99, TIOCGWINSZ, &ws));
	int fd = open("/dev/null", O_RDWR);
	TRY(tcgetattr(fd, &t));
	TRY(ioctl(fd, TIOCGWINSZ, &ws));
	close(fd);
	return 0;
}
