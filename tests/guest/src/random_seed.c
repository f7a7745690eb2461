/* Prints the guest's randomness in hex: the 16 AT_RANDOM bytes and three
 * getrandom reads (16, 5 and 32 bytes). Under `vm run --seed N` the output
 * depends on N only (guest.seed checks that); otherwise it changes per run. */
#include <stdio.h>
#include <sys/auxv.h>
#include <sys/random.h>

static void print_hex(const char *label, const unsigned char *bytes, size_t len) {
    printf("%s:", label);
    for (size_t i = 0; i < len; ++i) printf("%s%02x", i % 8 == 0 ? " " : "", bytes[i]);
    printf("\n");
}

int main(void) {
    const unsigned char *at_random = (const unsigned char *)getauxval(AT_RANDOM);
    if (at_random == NULL) {
        printf("no AT_RANDOM\n");
        return 1;
    }
    print_hex("AT_RANDOM", at_random, 16);
    const size_t sizes[] = {16, 5, 32};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; ++i) {
        unsigned char buf[32];
        if (getrandom(buf, sizes[i], 0) != (ssize_t)sizes[i]) {
            printf("getrandom(%zu) failed\n", sizes[i]);
            return 1;
        }
        char label[32];
        snprintf(label, sizeof label, "getrandom(%zu)", sizes[i]);
        print_hex(label, buf, sizes[i]);
    }
    return 0;
}
