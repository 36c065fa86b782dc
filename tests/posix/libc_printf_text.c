/* printf's literal text around conversions: ASCII, UTF-8 text, bytes that are not
 * UTF-8 and a '%' right after a multibyte character, in the C locale and in C.UTF-8.
 * The C library skips its per-byte conversion for ASCII text (libc-port's newlib
 * patch printf-ascii); text beyond ASCII still goes through the locale's decoder, and
 * every byte comes out unchanged either way. */

#include <locale.h>
#include <stdio.h>
#include <string.h>

static void show(const char *label)
{
	char buf[256];
	int n;

	printf("%s:\n", label);
	n = snprintf(buf, sizeof buf, "plain %d text, %s and %5.2f%%\n", 42, "str", 3.14159);
	printf("[%d] %s", n, buf);
	n = snprintf(buf, sizeof buf, "grüße %d — €%s ✓%c\n", 7, "x", 'y');
	printf("[%d] %s", n, buf);
	/* invalid UTF-8 bytes, a lone continuation byte, then a conversion */
	n = snprintf(buf, sizeof buf, "bad \xff\xfe \x80 after %d\n", 9);
	printf("[%d] ", n);
	for (int i = 0; i < n; i++)
		printf("%02x", (unsigned char)buf[i]);
	printf("\n");
	n = snprintf(buf, sizeof buf, "é%dé%%é%s", 1, "z");
	printf("[%d] %s\n", n, buf);
	/* a long run of ASCII with conversions at both ends */
	n = snprintf(buf, sizeof buf, "%sabcdefghijklmnopqrstuvwxyz0123456789%s", "<", ">");
	printf("[%d] %s %zu\n", n, buf, strlen(buf));
}

int main(void)
{
	show("C");
	if (setlocale(LC_ALL, "C.UTF-8") == NULL) {
		printf("no C.UTF-8\n");
		return 1;
	}
	show("C.UTF-8");
	return 0;
}
