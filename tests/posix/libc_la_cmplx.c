/* printf's %La for long doubles (glibc's form: the x87 significand's hex digits, the
 * first holding the integer bit), with precisions, rounding to even, upper case,
 * widths and flags, values a double cannot hold; %a of doubles; and C11's CMPLX,
 * CMPLXF, CMPLXL from <complex.h>, which keep an infinite or NaN imaginary part. */

#include <complex.h>
#include <math.h>
#include <stdio.h>

int main(void)
{
	const long double vals[] = {1.0L, 0.1L, -3.5L, 255.5L, 0.0L, -0.0L, 2.0L / 3,
				    3.141592653589793238L, 0x8.8p0L, 0x8.18p0L, 0x8.28p0L,
				    0xf.fffffffffffffffp+0L, 1e600L, -1e-4000L, 1e-4950L};
	const int precs[] = {-1, 0, 1, 3, 15, 18};
	for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
		for (unsigned j = 0; j < sizeof precs / sizeof precs[0]; j++) {
			if (precs[j] < 0)
				printf("%La ", vals[i]);
			else
				printf("%.*La ", precs[j], vals[i]);
		}
		printf("%LA\n", vals[i]);
	}
	printf("[%20La] [%-20La] [%+La] [% La] [%#.0La] [%025La]\n", 1.5L, 1.5L, 1.5L, 1.5L,
	       1.0L, -0.1L);
	printf("%La %La %La\n", (long double)INFINITY, -(long double)INFINITY, (long double)NAN);
	printf("%a %a %.3a %A %a\n", 1.0, 0.1, 0.1, 255.5, 1e300);

	double complex z = CMPLX(1.0, INFINITY);
	float complex f = CMPLXF(2.0f, -0.0f);
	long double complex l = CMPLXL(3.0L, NAN);
	printf("CMPLX: %g %g\n", creal(z), cimag(z));
	printf("CMPLXF: %g %g signbit %d\n", crealf(f), cimagf(f), signbit(cimagf(f)) != 0);
	printf("CMPLXL: %Lg nan %d\n", creall(l), isnan(cimagl(l)));
	return 0;
}
