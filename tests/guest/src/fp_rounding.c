/* Dynamic rounding modes (fesetround -> frm) and accrued exception flags
 * (fetestexcept -> fflags). Results are stored to volatiles right after each
 * operation and printed only after the mode is back to nearest, because
 * printf itself honours the current rounding mode. */
#include <fenv.h>
#include <math.h>
#include <stdio.h>

static volatile double one = 1.0, three = 3.0, ten = 10.0, zero = 0.0, big = 1e308, tiny = 1e-308;
static volatile double two_and_half = 2.5, minus_two_and_half = -2.5, minus_one = -1.0;
static volatile float onef = 1.0f, threef = 3.0f;

struct mode {
    int value;
    const char *name;
};

static const struct mode modes[] = {
    {FE_TONEAREST, "to-nearest"},
    {FE_UPWARD, "upward"},
    {FE_DOWNWARD, "downward"},
    {FE_TOWARDZERO, "toward-zero"},
};

static void print_flags(const char *what, int flags) {
    printf("%-22s flags:%s%s%s%s%s%s\n", what, (flags & FE_INVALID) ? " invalid" : "",
           (flags & FE_DIVBYZERO) ? " divbyzero" : "", (flags & FE_OVERFLOW) ? " overflow" : "",
           (flags & FE_UNDERFLOW) ? " underflow" : "", (flags & FE_INEXACT) ? " inexact" : "",
           flags == 0 ? " none" : "");
}

static void rounding_modes(void) {
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; ++i) {
        volatile double third, neg_third, sum, r1, r2, sq;
        volatile float thirdf;
        volatile long lr;
        if (fesetround(modes[i].value) != 0) {
            printf("fesetround(%s) failed\n", modes[i].name);
            continue;
        }
        int got = fegetround();
        third = one / three;
        neg_third = -one / three;
        sum = 0.1 * ten + tiny;
        r1 = rint(two_and_half);
        r2 = nearbyint(minus_two_and_half);
        sq = sqrt(three);
        thirdf = onef / threef;
        lr = lrint(minus_two_and_half);
        fesetround(FE_TONEAREST);
        printf("mode %-12s fegetround matches: %s\n", modes[i].name, got == modes[i].value ? "yes" : "no");
        printf("  1/3 = %a  -1/3 = %a  1/3f = %a\n", third, neg_third, (double)thirdf);
        printf("  0.1*10+1e-308 = %a  sqrt(3) = %a\n", sum, sq);
        printf("  rint(2.5) = %g  nearbyint(-2.5) = %g  lrint(-2.5) = %ld\n", r1, r2, lr);
    }
}

static void exception_flags(void) {
    volatile double r;
    feclearexcept(FE_ALL_EXCEPT);
    print_flags("after feclearexcept", fetestexcept(FE_ALL_EXCEPT));
    r = one + one;
    print_flags("1 + 1", fetestexcept(FE_ALL_EXCEPT));
    r = one / three;
    print_flags("1 / 3", fetestexcept(FE_ALL_EXCEPT));
    feclearexcept(FE_ALL_EXCEPT);
    r = one / zero;
    print_flags("1 / 0", fetestexcept(FE_ALL_EXCEPT));
    feclearexcept(FE_ALL_EXCEPT);
    r = zero / zero;
    print_flags("0 / 0", fetestexcept(FE_ALL_EXCEPT));
    feclearexcept(FE_ALL_EXCEPT);
    r = big * ten;
    print_flags("1e308 * 10", fetestexcept(FE_ALL_EXCEPT));
    feclearexcept(FE_ALL_EXCEPT);
    r = tiny * tiny;
    print_flags("1e-308 * 1e-308", fetestexcept(FE_ALL_EXCEPT));
    feclearexcept(FE_ALL_EXCEPT);
    r = sqrt(minus_one);
    print_flags("sqrt(-1)", fetestexcept(FE_ALL_EXCEPT));
    feclearexcept(FE_ALL_EXCEPT);
    r = tiny / ten;
    print_flags("1e-308 / 10", fetestexcept(FE_ALL_EXCEPT));
    (void)r;

    /* Flags accumulate until cleared, and can be raised and cleared one by one. */
    feclearexcept(FE_ALL_EXCEPT);
    r = one / zero;
    r = one / three;
    print_flags("1/0 then 1/3", fetestexcept(FE_ALL_EXCEPT));
    feclearexcept(FE_INEXACT);
    print_flags("cleared inexact", fetestexcept(FE_ALL_EXCEPT));
    feclearexcept(FE_ALL_EXCEPT);
    feraiseexcept(FE_OVERFLOW);
    print_flags("feraiseexcept(OF)", fetestexcept(FE_ALL_EXCEPT));

    fexcept_t saved;
    fegetexceptflag(&saved, FE_ALL_EXCEPT);
    feclearexcept(FE_ALL_EXCEPT);
    fesetexceptflag(&saved, FE_ALL_EXCEPT);
    print_flags("restored saved flags", fetestexcept(FE_ALL_EXCEPT));

    fenv_t env;
    fesetround(FE_UPWARD);
    feholdexcept(&env);
    print_flags("inside feholdexcept", fetestexcept(FE_ALL_EXCEPT));
    int inner_mode = fegetround();
    fesetenv(&env);
    printf("feholdexcept kept mode upward: %s, fesetenv restored upward: %s\n",
           inner_mode == FE_UPWARD ? "yes" : "no", fegetround() == FE_UPWARD ? "yes" : "no");
    fesetround(FE_TONEAREST);
}

int main(void) {
    rounding_modes();
    exception_flags();
    return 0;
}
