/* Deep non-tail recursion: 100000 frames (argv[1] overrides) of a function
 * with a small local array, so the guest stack must provide several MiB.
 * Also mutual recursion and a recursion whose result depends on every frame. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* noinline + a local array the compiler must keep: one real frame per call. */
__attribute__((noinline)) static uint64_t descend(uint64_t depth, uint64_t seed) {
    volatile uint32_t local[4];
    local[0] = (uint32_t)(seed * 2654435761u);
    local[1] = (uint32_t)depth;
    local[2] = local[0] ^ local[1];
    local[3] = local[2] + 1;
    if (depth == 0) return local[3];
    uint64_t below = descend(depth - 1, seed * 6364136223846793005ull + 1442695040888963407ull);
    return below * 31 + local[2]; /* uses the frame after the call returns */
}

__attribute__((noinline)) static int is_odd(unsigned n);

__attribute__((noinline)) static int is_even(unsigned n) {
    volatile unsigned keep = n;
    return keep == 0 ? 1 : is_odd(keep - 1);
}

__attribute__((noinline)) static int is_odd(unsigned n) {
    volatile unsigned keep = n;
    return keep == 0 ? 0 : is_even(keep - 1);
}

static uint64_t depth_reached;

__attribute__((noinline)) static uint64_t ackermann(uint64_t m, uint64_t n, uint64_t depth) {
    if (depth > depth_reached) depth_reached = depth;
    if (m == 0) return n + 1;
    if (n == 0) return ackermann(m - 1, 1, depth + 1);
    return ackermann(m - 1, ackermann(m, n - 1, depth + 1), depth + 1);
}

int main(int argc, char **argv) {
    uint64_t depth = argc > 1 ? strtoull(argv[1], NULL, 10) : 100000;
    printf("descend(%llu) = 0x%016llx\n", (unsigned long long)depth,
           (unsigned long long)descend(depth, 12345));
    printf("is_even(50001) = %d, is_odd(50001) = %d\n", is_even(50001), is_odd(50001));
    printf("ackermann(2, 2000) = %llu\n", (unsigned long long)ackermann(2, 2000, 0));
    printf("ackermann max depth %llu\n", (unsigned long long)depth_reached);
    return 0;
}
