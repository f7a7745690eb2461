/* Double and float arithmetic and libm, printed exactly (%a) and to full
 * decimal precision (%.17g / %.9g), plus raw NaN bit patterns: RISC-V
 * produces the positive canonical NaN where x86 would produce a negative one. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Inputs come through volatile loads so nothing is folded at compile time. */
static volatile double vd[] = {0.1, 2.0, -1.5, 1e-300, 1e300, 3.141592653589793, 0.0, 7.0};
static volatile float vf[] = {0.1f, 2.0f, -1.5f, 1e-30f, 3e38f, 0.0f, 7.0f};

static uint64_t bits_of_double(double d) {
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static uint32_t bits_of_float(float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static void show(const char *label, double d) { printf("%-22s %-24a %.17g\n", label, d, d); }
static void showf(const char *label, float f) { printf("%-22s %-24a %.9g\n", label, (double)f, (double)f); }

static void double_arith(void) {
    double a = vd[0], b = vd[1], c = vd[2];
    show("0.1 + 2.0", a + b);
    show("0.1 * 3", a * 3);
    show("2.0 / 0.1", b / a);
    show("-1.5 - 0.1", c - a);
    show("1e-300 * 1e-300", vd[3] * vd[3]);
    show("1e300 * 1e300", vd[4] * vd[4]);
    show("-1.5 / 0.0", c / vd[6]);
    show("fmin(0.1, -1.5)", fmin(a, c));
    show("fmax(0.1, -1.5)", fmax(a, c));
    show("fabs(-1.5)", fabs(c));
    show("copysign(2, -1.5)", copysign(b, c));
}

static void libm_double(void) {
    double x = vd[0], pi = vd[5];
    show("sqrt(2)", sqrt(vd[1]));
    show("sqrt(7)", sqrt(vd[7]));
    show("sin(0.1)", sin(x));
    show("cos(pi)", cos(pi));
    show("tan(0.1)", tan(x));
    show("atan2(-1.5, 2)", atan2(vd[2], vd[1]));
    show("exp(0.1)", exp(x));
    show("exp(7)", exp(vd[7]));
    show("log(7)", log(vd[7]));
    show("log10(1e300)", log10(vd[4]));
    show("log2(7)", log2(vd[7]));
    show("pow(7, 0.1)", pow(vd[7], x));
    show("pow(2, -1.5)", pow(vd[1], vd[2]));
    show("cbrt(7)", cbrt(vd[7]));
    show("hypot(2, 7)", hypot(vd[1], vd[7]));
    show("fma(0.1, 7, -0.7)", fma(x, vd[7], -0.7));
    show("0.1 * 7 - 0.7", x * vd[7] - 0.7);
    show("floor(-1.5)", floor(vd[2]));
    show("ceil(-1.5)", ceil(vd[2]));
    show("round(-1.5)", round(vd[2]));
    show("trunc(-1.5)", trunc(vd[2]));
    show("fmod(7, 2)", fmod(vd[7], vd[1]));
    show("remainder(7, 2)", remainder(vd[7], vd[1]));
    show("ldexp(0.1, 10)", ldexp(x, 10));
    int e = 0;
    double m = frexp(vd[7], &e);
    printf("frexp(7) = %a * 2^%d\n", m, e);
}

static void float_ops(void) {
    float a = vf[0], b = vf[1], c = vf[2];
    showf("0.1f + 2.0f", a + b);
    showf("0.1f * 3", a * 3.0f);
    showf("2.0f / 0.1f", b / a);
    showf("1e-30f * 1e-30f", vf[3] * vf[3]);
    showf("3e38f * 2", vf[4] * 2.0f);
    showf("sqrtf(2)", sqrtf(b));
    showf("sqrtf(7)", sqrtf(vf[6]));
    showf("sinf(0.1)", sinf(a));
    showf("expf(-1.5)", expf(c));
    showf("logf(7)", logf(vf[6]));
    showf("powf(7, 0.1)", powf(vf[6], a));
    showf("fmaf(0.1, 7, -0.7)", fmaf(a, vf[6], -0.7f));
    showf("float(0.1 double)", (float)vd[0]);
    show("double(0.1f)", (double)vf[0]);
}

static void nan_bits(void) {
    double dz = vd[6];
    float fz = vf[5];
    printf("bits(0.0/0.0)      = 0x%016llx\n", (unsigned long long)bits_of_double(dz / dz));
    printf("bits(sqrt(-1.5))   = 0x%016llx\n", (unsigned long long)bits_of_double(sqrt(vd[2])));
    printf("bits(0.0f/0.0f)    = 0x%08x\n", bits_of_float(fz / fz));
    printf("bits(inf - inf)    = 0x%016llx\n", (unsigned long long)bits_of_double(HUGE_VAL + -vd[4] * vd[4]));
    printf("bits(-0.0 * 1)     = 0x%016llx\n", (unsigned long long)bits_of_double(-vd[6] * 1.0));
    printf("isnan %d, isinf %d, signbit(-0.0) %d\n", isnan(dz / dz), isinf(vd[4] * vd[4]),
           signbit(-vd[6]) != 0);
    printf("printf nan: %f %f, inf: %f %f\n", dz / dz, -(dz / dz), vd[4] * vd[4], -vd[4] * vd[4]);
}

int main(void) {
    double_arith();
    libm_double();
    float_ops();
    nan_bits();
    return 0;
}
