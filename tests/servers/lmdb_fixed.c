/* Linked into LMDB's own test programs (mtest.o .. mtest5.o, built by LMDB's Makefile)
 * with `-Wl,--wrap=time,--wrap=srand,--wrap=rand`, natively and for Eremit: a fixed clock
 * and one generator for both (glibc's and newlib's rand differ), so both runs insert and
 * delete the same keys and their outputs and databases can be compared; and the
 * ./testdb directory the programs open (LMDB's `make test` creates it beforehand). */

#include <sys/stat.h>
#include <time.h>

static unsigned long next_value = 1;

time_t __wrap_time(time_t *t)
{
	if (t)
		*t = 1000000000;
	return 1000000000;
}

void __wrap_srand(unsigned seed)
{
	next_value = seed;
}

/* The example generator of the C standard (RAND_MAX 32767). */
int __wrap_rand(void)
{
	next_value = next_value * 1103515245 + 12345;
	return (int)((next_value / 65536) % 32768);
}

__attribute__((constructor)) static void make_testdb(void)
{
	mkdir("testdb", 0775); /* EEXIST on a volume mounted there: fine */
}
