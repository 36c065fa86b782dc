/* The long double math functions that do not depend on long double's format (x87's 80-bit
 * on x86_64, IEEE binary128 on aarch64): built on the compiler's long double arithmetic,
 * or computed in double precision (correct to about 1e-16 relative, not to long double's
 * full precision).  Each architecture's src/ARCH/ldouble*.c has the exact operations
 * that work on the format, and the functions it computes better than in double. */

#include <math.h>

long double fabsl(long double x) { return __builtin_fabsl(x); }
long double copysignl(long double x, long double y) { return __builtin_copysignl(x, y); }

long double fdiml(long double x, long double y)
{
    if (isnan(x) || isnan(y))
        return x + y;
    return x > y ? x - y : 0.0L;
}

long double fmaxl(long double x, long double y)
{
    if (isnan(x))
        return y;
    if (isnan(y))
        return x;
    return x > y ? x : y;
}

long double fminl(long double x, long double y)
{
    if (isnan(x))
        return y;
    if (isnan(y))
        return x;
    return x < y ? x : y;
}

/* Not fused: the product is rounded to long double's precision first. */
long double fmal(long double x, long double y, long double z) { return x * y + z; }

/* The double and float steps towards a long double. */
double nexttoward(double x, long double y)
{
    if (isnan(x) || isnan(y))
        return (double)((long double)x + y);
    if ((long double)x == y)
        return (double)y;
    return nextafter(x, (long double)x < y ? HUGE_VAL : -HUGE_VAL);
}

float nexttowardf(float x, long double y)
{
    if (isnan(x) || isnan(y))
        return (float)((long double)x + y);
    if ((long double)x == y)
        return (float)y;
    return nextafterf(x, (long double)x < y ? HUGE_VALF : -HUGE_VALF);
}

/* ---- in double precision ------------------------------------------------------------ */

#define VIA_DOUBLE1(name, f)                                                           \
    long double name(long double x) { return (long double)f((double)x); }

VIA_DOUBLE1(sinl, sin)
VIA_DOUBLE1(cosl, cos)
VIA_DOUBLE1(tanl, tan)
VIA_DOUBLE1(asinl, asin)
VIA_DOUBLE1(acosl, acos)
VIA_DOUBLE1(sinhl, sinh)
VIA_DOUBLE1(coshl, cosh)
VIA_DOUBLE1(tanhl, tanh)
VIA_DOUBLE1(asinhl, asinh)
VIA_DOUBLE1(acoshl, acosh)
VIA_DOUBLE1(atanhl, atanh)
VIA_DOUBLE1(expl, exp)
VIA_DOUBLE1(exp2l, exp2)
VIA_DOUBLE1(expm1l, expm1)
VIA_DOUBLE1(log1pl, log1p)
VIA_DOUBLE1(cbrtl, cbrt)
VIA_DOUBLE1(erfl, erf)
VIA_DOUBLE1(erfcl, erfc)
VIA_DOUBLE1(tgammal, tgamma)
VIA_DOUBLE1(lgammal, lgamma)

long double powl(long double x, long double y) { return (long double)pow((double)x, (double)y); }
