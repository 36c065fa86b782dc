/* C99's long double math functions for AArch64, where long double is IEEE binary128
 * (113-bit significand) and arithmetic on it is libgcc's software floating point.
 * newlib 3.3's libm has them only where long double is double; libstdc++ (<cmath>'s C99
 * part; libc-port/gcc's patch says they exist), gfortran's real(16) intrinsics and C
 * programs need them.
 *
 * Exact operations (rounding to integers, scaling, splitting, remainders, comparisons,
 * the next representable value) work on the format itself and keep all 113 bits.  The
 * transcendental functions are computed in double precision: correct to about 1e-16
 * relative, not to the 1e-34 of a full binary128 library.  fmal is not fused. */

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

_Static_assert(LDBL_MANT_DIG == 113, "binary128 long double");

/* ---- the format: sign, 15-bit biased exponent, 112 stored significand bits ---------- */

typedef unsigned __int128 u128;

#define EXP_BIAS 16383
#define EXP_MAX 0x7fff
#define FRAC_BITS 112
#define FRAC_MASK ((((u128)1) << FRAC_BITS) - 1)
#define INT_BIT (((u128)1) << FRAC_BITS)

static u128 bits_of(long double x)
{
    u128 b;
    memcpy(&b, &x, sizeof b);
    return b;
}

static long double from_bits(u128 b)
{
    long double x;
    memcpy(&x, &b, sizeof x);
    return x;
}

static int biased_exp(long double x) { return (int)((bits_of(x) >> FRAC_BITS) & EXP_MAX); }

/* 2^n for n in [-16382, 16383], a normal number. */
static long double pow2(int n) { return from_bits((u128)(n + EXP_BIAS) << FRAC_BITS); }

/* |x| = m * 2^e for finite non-zero x, m normalised to [2^112, 2^113). */
static u128 decompose(long double x, int *e)
{
    u128 b = bits_of(x);
    int be = (int)((b >> FRAC_BITS) & EXP_MAX);
    u128 m = b & FRAC_MASK;
    if (be != 0) {
        *e = be - EXP_BIAS - FRAC_BITS;
        return m | INT_BIT;
    }
    /* Subnormal: no integer bit; shift it into place. */
    *e = 1 - EXP_BIAS - FRAC_BITS;
    while (!(m & INT_BIT)) {
        m <<= 1;
        (*e)--;
    }
    return m;
}

/* ---- exact ----------------------------------------------------------------------- */

long double scalbnl(long double x, int n)
{
    /* Steps of at most 2^16383, so that only the last multiplication can round; into
     * the subnormals, the scale first goes 113 bits short and the last step finishes
     * it, so that a subnormal result is rounded once. */
    if (n > 16383) {
        x *= pow2(16383);
        n -= 16383;
        if (n > 16383) {
            x *= pow2(16383);
            n -= 16383;
            if (n > 16383)
                n = 16383;
        }
    } else if (n < -16382) {
        x *= pow2(-16382 + 113);
        n += 16382 - 113;
        if (n < -16382) {
            x *= pow2(-16382 + 113);
            n += 16382 - 113;
            if (n < -16382)
                n = -16382;
        }
    }
    return x * pow2(n);
}

long double scalblnl(long double x, long n)
{
    if (n > INT_MAX)
        n = INT_MAX;
    if (n < INT_MIN)
        n = INT_MIN;
    return scalbnl(x, (int)n);
}

long double ldexpl(long double x, int n) { return scalbnl(x, n); }

long double frexpl(long double x, int *e)
{
    *e = 0;
    if (x == 0 || isinf(x) || isnan(x))
        return x;
    int k;
    decompose(x, &k);
    /* x = m * 2^k with m in [2^112, 2^113): x / 2^(k + 113) is in [0.5, 1). */
    *e = k + FRAC_BITS + 1;
    return scalbnl(x, -*e);
}

int ilogbl(long double x)
{
    if (isnan(x))
        return FP_ILOGBNAN;
    if (isinf(x))
        return INT_MAX;
    if (x == 0)
        return FP_ILOGB0;
    int k;
    decompose(x, &k);
    return k + FRAC_BITS;
}

long double logbl(long double x)
{
    if (isnan(x))
        return x * x;
    if (isinf(x))
        return __builtin_fabsl(x);
    if (x == 0)
        return -1.0L / __builtin_fabsl(x); /* -inf, raising divide-by-zero */
    return (long double)ilogbl(x);
}

/* Integers from 2^112 up are exact: adding and removing 2^112 rounds the fraction away
 * in the current rounding mode.  The sign is put back (rint(-0.3) is -0). */
long double rintl(long double x)
{
    if (biased_exp(x) >= EXP_BIAS + FRAC_BITS || x == 0)
        return x; /* integral, infinite, NaN or zero */
    const long double big = 0x1p112L;
    volatile long double t = x > 0 ? x + big : x - big;
    long double r = x > 0 ? t - big : t + big;
    return __builtin_copysignl(r, x);
}

long double nearbyintl(long double x) { return rintl(x); }

long double truncl(long double x)
{
    long double r = rintl(x);
    if (__builtin_fabsl(r) > __builtin_fabsl(x))
        r -= __builtin_copysignl(1.0L, x);
    return __builtin_copysignl(r, x);
}

long double floorl(long double x)
{
    long double r = rintl(x);
    if (r > x)
        r -= 1.0L;
    return __builtin_copysignl(r, x);
}

long double ceill(long double x)
{
    long double r = rintl(x);
    if (r < x)
        r += 1.0L;
    return __builtin_copysignl(r, x);
}

/* Halfway cases away from zero. */
long double roundl(long double x)
{
    long double t = truncl(x);
    if (__builtin_fabsl(x - t) >= 0.5L)
        t += __builtin_copysignl(1.0L, x);
    return __builtin_copysignl(t, x);
}

long lrintl(long double x) { return (long)rintl(x); }
long long llrintl(long double x) { return (long long)rintl(x); }
long lroundl(long double x) { return (long)roundl(x); }
long long llroundl(long double x) { return (long long)roundl(x); }

long double modfl(long double x, long double *ip)
{
    long double i = truncl(x);
    *ip = i;
    if (isinf(x))
        return __builtin_copysignl(0.0L, x);
    return __builtin_copysignl(x - i, x);
}

/* |x| rem |y| by long division on the significands: the remainder r (r < my), the low
 * bits of the quotient in *q.  x and y finite, y non-zero, |x| >= |y|; the result is
 * exact, r * 2^ey. */
static long double divide_exact(long double x, long double y, unsigned *q)
{
    int ex, ey;
    u128 mx = decompose(x, &ex), my = decompose(y, &ey);
    u128 r = mx;
    unsigned quo = 0;
    for (; ex > ey; ex--) {
        if (r >= my) {
            r -= my;
            quo |= 1;
        }
        r <<= 1;
        quo <<= 1;
    }
    if (r >= my) {
        r -= my;
        quo |= 1;
    }
    *q = quo;
    return scalbnl((long double)r, ey);
}

long double fmodl(long double x, long double y)
{
    if (isnan(x) || isnan(y) || isinf(x) || y == 0)
        return (x * y) / (x * y);
    if (__builtin_fabsl(x) < __builtin_fabsl(y))
        return x;
    unsigned q;
    return __builtin_copysignl(divide_exact(x, y, &q), x);
}

long double remquol(long double x, long double y, int *quo)
{
    *quo = 0;
    if (isnan(x) || isnan(y) || isinf(x) || y == 0)
        return (x * y) / (x * y);
    long double ax = __builtin_fabsl(x), ay = __builtin_fabsl(y);
    unsigned q = 0;
    long double r = ax;
    if (ax >= ay)
        r = divide_exact(x, y, &q);
    /* To the nearest multiple, ties to the even quotient: 2r is exact or, for huge r,
     * infinite and then larger than ay anyway. */
    if (2 * r > ay || (2 * r == ay && (q & 1))) {
        r -= ay;
        q++;
    }
    int sq = (int)(q & 0x7fffffff);
    *quo = (signbit(x) != signbit(y)) ? -sq : sq;
    return signbit(x) ? -r : r;
}

long double remainderl(long double x, long double y)
{
    int q;
    return remquol(x, y, &q);
}

long double nextafterl(long double x, long double y)
{
    if (isnan(x) || isnan(y))
        return x + y;
    if (x == y)
        return y;
    if (x == 0) /* the smallest subnormal, with y's sign */
        return __builtin_copysignl(from_bits(1), y);
    u128 b = bits_of(x);
    /* Sign-magnitude: one more in the encoding is one step away from zero (into the
     * next binade, up to infinity), one less a step towards it. */
    if ((x < y) == (x > 0))
        b++;
    else
        b--;
    return from_bits(b);
}

long double nexttowardl(long double x, long double y) { return nextafterl(x, y); }

/* ---- the rest, in double precision (most in ../ldouble_common.c) ------------------- */

#define VIA_DOUBLE1(name, f)                                                           \
    long double name(long double x) { return (long double)f((double)x); }

VIA_DOUBLE1(atanl, atan)
VIA_DOUBLE1(logl, log)
VIA_DOUBLE1(log2l, log2)
VIA_DOUBLE1(log10l, log10)

long double atan2l(long double y, long double x) { return (long double)atan2((double)y, (double)x); }

void sincosl(long double x, long double *s, long double *c)
{
    *s = sinl(x);
    *c = cosl(x);
}
