/* long double (x87 80-bit) functions newlib 3.3's libm lacks on x86_64 (the others are in
 * ldouble_math.c): gfortran's NEAREST/IEEE_NEXT_AFTER on real(10) call nextafterl, and libstdc++'s
 * special functions (std::ellint_2<long double>, ...) call sincosl. */

#include <math.h>
#include <stdint.h>
#include <string.h>

/* The x87 extended format: a 64-bit significand with an explicit integer bit, then the
 * sign and a 15-bit biased exponent. */
struct ld80 {
    uint64_t mant;
    uint16_t sexp;
};

static struct ld80 ld_bits(long double x)
{
    struct ld80 b;
    memcpy(&b.mant, &x, 8);
    memcpy(&b.sexp, (char *)&x + 8, 2);
    return b;
}

static long double ld_value(struct ld80 b)
{
    long double x = 0;
    memcpy(&x, &b.mant, 8);
    memcpy((char *)&x + 8, &b.sexp, 2);
    return x;
}

#define INT_BIT 0x8000000000000000ull

long double nextafterl(long double x, long double y)
{
    if (isnan(x) || isnan(y))
        return x + y;
    if (x == y)
        return y;
    if (x == 0) {
        /* The smallest subnormal, with y's sign. */
        struct ld80 b = {1, (uint16_t)(signbit(y) ? 0x8000 : 0)};
        return ld_value(b);
    }
    struct ld80 b = ld_bits(x);
    if ((x < y) == (x > 0)) {
        /* Away from zero: a carry out of the significand moves to the next binade (up to
         * infinity); a subnormal that reaches the integer bit becomes the smallest
         * normal, whose exponent field is 1. */
        b.mant++;
        if (b.mant == 0) {
            b.mant = INT_BIT;
            b.sexp++;
        } else if (b.mant == INT_BIT && (b.sexp & 0x7fff) == 0) {
            b.sexp++;
        }
    } else if ((b.sexp & 0x7fff) != 0 && b.mant == INT_BIT) {
        /* Towards zero from the bottom of a binade: the top of the one below (subnormals
         * have no integer bit). */
        b.sexp--;
        b.mant = (b.sexp & 0x7fff) ? ~0ull : ~0ull >> 1;
    } else {
        b.mant--;
    }
    return ld_value(b);
}

long double nexttowardl(long double x, long double y)
{
    return nextafterl(x, y);
}

void sincosl(long double x, long double *s, long double *c)
{
    if (!isfinite(x)) {
        *s = *c = x - x; /* NaN, raising invalid for infinities */
        return;
    }
    /* fsincos takes |x| < 2^63; larger arguments are first reduced modulo 2*pi with
     * fprem1, which does the reduction in steps (C2 set while incomplete).  Both reduce
     * with the FPU's 66-bit pi: accurate to the last bits for moderate arguments, with
     * few correct digits left for |x| above about 2^40 (glibc's sinl reduces exactly). */
    if (__builtin_fabsl(x) >= 0x1p63L) /* the builtin: newlib has no fabsl */ {
        __asm__("fldpi\n\t"
                "fadd %%st(0), %%st(0)\n\t"
                "fxch %%st(1)\n"
                "1:\tfprem1\n\t"
                "fnstsw %%ax\n\t"
                "testl $0x400, %%eax\n\t"
                "jnz 1b\n\t"
                "fstp %%st(1)"
                : "+t"(x)
                :
                : "eax", "cc");
    }
    long double sv, cv;
    __asm__("fsincos" : "=t"(cv), "=u"(sv) : "0"(x));
    *s = sv;
    *c = cv;
}
