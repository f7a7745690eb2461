/* Float <-> integer conversions including the saturating edge cases RISC-V
 * defines (NaN -> max positive, out of range -> clamp), and the exception
 * flags each conversion raises. Operands are volatile so every conversion is
 * a real fcvt instruction at run time. */
#include <fenv.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>

static volatile double vd[] = {0.0, -0.0, 1.5, -1.5, 2.5, -0.5, 2147483647.5, 2147483648.0,
                               -2147483649.0, 4294967296.0, 9.3e18, 1.9e19, -1e20, 1e20,
                               INFINITY, -INFINITY, NAN};
static volatile float vf[] = {0.75f, -0.75f, 3e9f, -3e9f, 1e19f, INFINITY, NAN};
static volatile int64_t vi[] = {0, -1, 16777217, 9007199254740993LL, INT64_MIN, INT64_MAX};
static volatile uint64_t vu[] = {UINT64_MAX, 1ull << 63, 18446744073709549568ull};

/* Two letters per raised flag, in a fixed order. */
static const char *flag_names(void) {
    static char buf[16];
    int n = 0;
    int f = fetestexcept(FE_ALL_EXCEPT);
    if (f & FE_INVALID) buf[n++] = 'N', buf[n++] = 'V';
    if (f & FE_DIVBYZERO) buf[n++] = 'D', buf[n++] = 'Z';
    if (f & FE_OVERFLOW) buf[n++] = 'O', buf[n++] = 'F';
    if (f & FE_UNDERFLOW) buf[n++] = 'U', buf[n++] = 'F';
    if (f & FE_INEXACT) buf[n++] = 'N', buf[n++] = 'X';
    if (n == 0) buf[n++] = '-';
    buf[n] = '\0';
    return buf;
}

static void double_to_ints(void) {
    printf("%-16s %12s %12s %21s %21s\n", "double", "int32", "uint32", "int64", "uint64");
    for (size_t i = 0; i < sizeof vd / sizeof vd[0]; ++i) {
        double d = vd[i];
        char flags[4][16];
        feclearexcept(FE_ALL_EXCEPT);
        volatile int32_t a = (int32_t)d;
        snprintf(flags[0], sizeof flags[0], "%s", flag_names());
        feclearexcept(FE_ALL_EXCEPT);
        volatile uint32_t b = (uint32_t)d;
        snprintf(flags[1], sizeof flags[1], "%s", flag_names());
        feclearexcept(FE_ALL_EXCEPT);
        volatile int64_t c = (int64_t)d;
        snprintf(flags[2], sizeof flags[2], "%s", flag_names());
        feclearexcept(FE_ALL_EXCEPT);
        volatile uint64_t e = (uint64_t)d;
        snprintf(flags[3], sizeof flags[3], "%s", flag_names());
        printf("%-16.12g %12" PRId32 " %12" PRIu32 " %21" PRId64 " %21" PRIu64 "   flags %s %s %s %s\n", d, a,
               b, c, e, flags[0], flags[1], flags[2], flags[3]);
    }
}

static void float_to_ints(void) {
    printf("%-16s %12s %12s %21s %21s\n", "float", "int32", "uint32", "int64", "uint64");
    for (size_t i = 0; i < sizeof vf / sizeof vf[0]; ++i) {
        float f = vf[i];
        volatile int32_t a = (int32_t)f;
        volatile uint32_t b = (uint32_t)f;
        volatile int64_t c = (int64_t)f;
        volatile uint64_t e = (uint64_t)f;
        printf("%-16.12g %12" PRId32 " %12" PRIu32 " %21" PRId64 " %21" PRIu64 "\n", (double)f, a, b, c, e);
    }
}

static void ints_to_floats(void) {
    for (size_t i = 0; i < sizeof vi / sizeof vi[0]; ++i) {
        int64_t v = vi[i];
        feclearexcept(FE_ALL_EXCEPT);
        volatile float f = (float)v;
        volatile double d = (double)v;
        printf("int64 %20" PRId64 " -> float %-16a double %-24a flags %s\n", v, (double)f, d, flag_names());
    }
    for (size_t i = 0; i < sizeof vu / sizeof vu[0]; ++i) {
        uint64_t v = vu[i];
        volatile float f = (float)v;
        volatile double d = (double)v;
        printf("uint64 %20" PRIu64 " -> float %-16a double %a\n", v, (double)f, d);
    }
    volatile int32_t small = -7;
    volatile uint32_t big = 4294967295u;
    printf("int32 -7 -> %a, uint32 4294967295 -> %a (float %a)\n", (double)small, (double)big,
           (double)(float)big);
}

static void rounding_functions(void) {
    /* lrint/llrint use the dynamic rounding mode (nearest-even here);
     * lround rounds half away from zero. */
    for (size_t i = 2; i < 6; ++i) {
        double d = vd[i];
        printf("x=%-5g lrint %3ld llrint %3lld lround %3ld (int)x %3d\n", d, lrint(d), llrint(d), lround(d),
               (int)d);
    }
    printf("float -> double -> float round trip of FLT_MAX: %a\n", (double)(float)(double)FLT_MAX);
    volatile double too_big = 1e300;
    feclearexcept(FE_ALL_EXCEPT);
    volatile float narrowed = (float)too_big;
    printf("(float)1e300 = %a flags %s\n", (double)narrowed, flag_names());
    volatile double tiny = 1e-300;
    feclearexcept(FE_ALL_EXCEPT);
    narrowed = (float)tiny;
    printf("(float)1e-300 = %a flags %s\n", (double)narrowed, flag_names());
}

int main(void) {
    double_to_ints();
    float_to_ints();
    ints_to_floats();
    rounding_functions();
    return 0;
}
