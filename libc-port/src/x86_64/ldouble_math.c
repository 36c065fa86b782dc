/* C99's long double (x87 80-bit) math functions, which newlib 3.3 has only where long
 * double is double.  Without them libstdc++'s <cmath> lacks its C99 part (std::lround,
 * std::log2, ... for every type: configure checks them together), gfortran's real(10)
 * intrinsics do not link, and C programs using them neither.  newlib's math.h declares
 * them on hermit (libc-port/newlib's patch); libstdc++ is told they exist
 * (libc-port/gcc's patch) so that it does not build its own stubs of the C89 ones.
 *
 * Exact operations (rounding, scaling, splitting, remainders, comparisons) use the x87's
 * own instructions and keep all 64 significand bits.  logl, log2l, log10l and atan2l use
 * the x87's fyl2x/fpatan.  The other transcendental functions are computed in double
 * precision: correct to about 1e-16 relative, not to the 1e-19 of a full long double
 * library. */

#include <limits.h>
#include <math.h>

/* ---- exact ------------------------------------------------------------------------ */

/* frndint rounds in the current rounding mode (to nearest even by default). */
long double rintl(long double x)
{
    long double r;
    __asm__("frndint" : "=t"(r) : "0"(x));
    return r;
}

long double nearbyintl(long double x) { return rintl(x); }

long long llrintl(long double x)
{
    long long r;
    __asm__("fistpll %0" : "=m"(r) : "t"(x) : "st");
    return r;
}

long lrintl(long double x) { return (long)llrintl(x); }

/* Every long double of magnitude 2^63 or more is an integer (64-bit significand). */
#define INTEGRAL_LIMIT 9223372036854775808.0L

long double truncl(long double x)
{
    if (!(fabsl(x) < INTEGRAL_LIMIT))
        return x; /* NaN, infinities, large integers */
    long double t = (long double)(long long)x;
    return copysignl(t, x); /* -0.5 -> -0 */
}

long double floorl(long double x)
{
    long double t = truncl(x);
    return t > x ? t - 1 : t;
}

long double ceill(long double x)
{
    long double t = truncl(x);
    return t < x ? t + 1 : t;
}

/* Halfway cases away from zero; x - t is exact. */
long double roundl(long double x)
{
    long double t = truncl(x);
    if (fabsl(x - t) >= 0.5L)
        t += copysignl(1.0L, x);
    return t;
}

long lroundl(long double x) { return (long)roundl(x); }
long long llroundl(long double x) { return (long long)roundl(x); }

long double modfl(long double x, long double *ip)
{
    long double t = truncl(x);
    *ip = t;
    if (isinf(x))
        return copysignl(0.0L, x);
    return copysignl(x - t, x);
}

/* fscale multiplies by 2^trunc(st1); clamping the exponent keeps the result (overflow
 * to infinity, underflow to zero) without wrapping. */
long double scalblnl(long double x, long n)
{
    if (n > 70000)
        n = 70000;
    if (n < -70000)
        n = -70000;
    long double r, e = (long double)n;
    __asm__("fscale" : "=t"(r) : "0"(x), "u"(e));
    return r;
}

long double scalbnl(long double x, int n) { return scalblnl(x, n); }
long double ldexpl(long double x, int n) { return scalblnl(x, n); }

/* fxtract splits x into a significand in [1, 2) and an unbiased exponent. */
static long double split(long double x, long double *exponent)
{
    long double sig, e;
    __asm__("fxtract" : "=t"(sig), "=u"(e) : "0"(x));
    *exponent = e;
    return sig;
}

long double frexpl(long double x, int *e)
{
    if (x == 0 || isnan(x) || isinf(x)) {
        *e = 0;
        return x;
    }
    long double ex, sig = split(x, &ex);
    *e = (int)ex + 1;
    return sig / 2;
}

long double logbl(long double x)
{
    if (x == 0)
        return -HUGE_VALL;
    if (isinf(x))
        return fabsl(x);
    if (isnan(x))
        return x;
    long double ex;
    split(x, &ex);
    return ex;
}

int ilogbl(long double x)
{
    if (x == 0)
        return FP_ILOGB0;
    if (isnan(x))
        return FP_ILOGBNAN;
    if (isinf(x))
        return INT_MAX;
    return (int)logbl(x);
}

/* fprem/fprem1 reduce by at most 2^63 per step and say "incomplete" in C2. */
long double fmodl(long double x, long double y)
{
    long double r;
    __asm__("1: fprem\n\t"
            "fnstsw %%ax\n\t"
            "testw $0x400, %%ax\n\t"
            "jnz 1b"
            : "=t"(r)
            : "0"(x), "u"(y)
            : "ax", "cc");
    return r;
}

long double remainderl(long double x, long double y)
{
    long double r;
    __asm__("1: fprem1\n\t"
            "fnstsw %%ax\n\t"
            "testw $0x400, %%ax\n\t"
            "jnz 1b"
            : "=t"(r)
            : "0"(x), "u"(y)
            : "ax", "cc");
    return r;
}

/* The low three bits of the quotient x/y rounded to nearest, with its sign. */
long double remquol(long double x, long double y, int *quo)
{
    long double r = remainderl(x, y);
    long double q = rintl((x - r) / y);
    long long bits = (long long)fmodl(fabsl(q), 8.0L);
    *quo = (int)((signbit(x) != signbit(y)) ? -bits : bits);
    return r;
}

/* ---- logarithms and atan2 on the x87 ------------------------------------------------ */

/* fyl2x: st(1) * log2(st(0)), popping; the constant loaded first is st(1). */
#define X87_LOG(name, load)                                                            \
    long double name(long double x)                                                    \
    {                                                                                  \
        long double r;                                                                 \
        __asm__(load "\n\tfxch\n\tfyl2x" : "=t"(r) : "0"(x) : "st(1)");                \
        return r;                                                                      \
    }

X87_LOG(logl, "fldln2")
X87_LOG(log2l, "fld1")
X87_LOG(log10l, "fldlg2")

long double atan2l(long double y, long double x)
{
    long double r;
    __asm__("fpatan" : "=t"(r) : "0"(x), "u"(y) : "st(1)");
    return r;
}

long double atanl(long double x) { return atan2l(x, 1.0L); }

/* fabsl, copysignl, fdiml, fmaxl, fminl, fmal, nexttoward(f), powl and the functions
 * computed in double precision: ../ldouble_common.c, the same on every architecture. */
