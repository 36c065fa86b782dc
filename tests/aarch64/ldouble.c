/* long double (binary128 on AArch64, x87 80-bit on x86-64): the exact operations of the
 * C library give the same answers in both formats for these arguments. */
#include <math.h>
#include <stdio.h>

int main(void)
{
    int e, q;
    long double ip;
    printf("%.6Lg %.6Lg %.6Lg %.6Lg\n", floorl(-2.5L), ceill(-2.5L), roundl(2.5L), truncl(-2.7L));
    printf("%.6Lg %.6Lg %.6Lg\n", rintl(2.5L), rintl(3.5L), nearbyintl(-0.5L));
    printf("%.6Lg %.6Lg\n", fmodl(10.5L, 3.0L), fmodl(-7.25L, 2.0L));
    long double r = remquol(10.0L, 3.0L, &q);
    printf("%.6Lg %d %.6Lg\n", r, q, remainderl(11.0L, 4.0L));
    long double m = frexpl(48.0L, &e);
    printf("%.6Lg %d %.6Lg %.6Lg %d\n", m, e, ldexpl(0.75L, 6), logbl(1000.0L), ilogbl(0.125L));
    long double frac = modfl(-3.25L, &ip);
    printf("%.6Lg %.6Lg\n", frac, ip);
    printf("%d %d\n", nextafterl(1.0L, 2.0L) > 1.0L, nextafterl(1.0L, 0.0L) < 1.0L);
    printf("%ld %lld\n", lroundl(-2.5L), llrintl(6.5L));
    printf("%.6Lg %.6Lg %.10Lg\n", sqrtl(2.25L), fabsl(-4.0L), expl(1.0L));
    return 0;
}
