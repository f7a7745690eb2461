/* getrandom(2): full-length reads, two reads differ, GRND_NONBLOCK works,
 * and a bad flag is rejected with EINVAL. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

static const char *yes_no(int b) { return b ? "yes" : "no"; }

int main(void) {
    unsigned char a[64], b[64], big[4096];
    ssize_t na = getrandom(a, sizeof a, 0);
    ssize_t nb = getrandom(b, sizeof b, GRND_NONBLOCK);
    printf("getrandom(64) returned 64: %s; with GRND_NONBLOCK: %s\n", yes_no(na == 64), yes_no(nb == 64));
    printf("two reads differ: %s\n", yes_no(memcmp(a, b, sizeof a) != 0));

    ssize_t nbig = getrandom(big, sizeof big, 0);
    unsigned seen[256] = {0};
    int distinct = 0;
    for (size_t i = 0; i < sizeof big; ++i) distinct += seen[big[i]]++ == 0;
    /* 4096 uniform bytes miss a given value with probability ~1e-7. */
    printf("getrandom(4096) returned 4096: %s; more than 200 distinct byte values: %s\n", yes_no(nbig == 4096),
           yes_no(distinct > 200));

    errno = 0;
    ssize_t bad = getrandom(a, sizeof a, 0x40000000u);
    printf("unknown flag rejected with EINVAL: %s\n", yes_no(bad == -1 && errno == EINVAL));
    return 0;
}
