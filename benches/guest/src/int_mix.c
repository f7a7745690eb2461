/* Guest workload "int_mix": integer work typical of compilers and
 * interpreters: a sieve of Eratosthenes over a byte array, a 64-bit PRNG,
 * multiply-heavy hash mixing, and division/remainder. argv[1] = rounds. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_ROUNDS 80u
#define SIEVE_LIMIT 1000000u
#define HASHES_PER_ROUND 400000u

static unsigned char composite[SIEVE_LIMIT + 1];

static uint32_t count_primes(uint32_t limit) {
    memset(composite, 0, limit + 1);
    uint32_t count = 0;
    for (uint32_t i = 2; i <= limit; ++i) {
        if (composite[i]) continue;
        ++count;
        for (uint64_t j = (uint64_t)i * i; j <= limit; j += i) composite[j] = 1;
    }
    return count;
}

static uint64_t splitmix_next(uint64_t *state) {
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t mix_round(uint64_t seed) {
    uint64_t state = seed, h = 0xcbf29ce484222325ull;
    uint32_t h32 = 2166136261u;
    for (uint32_t i = 0; i < HASHES_PER_ROUND; ++i) {
        uint64_t r = splitmix_next(&state);
        h = (h ^ r) * 0x100000001b3ull;
        h32 = (h32 ^ (uint32_t)r) * 16777619u;
        uint64_t divisor = (r >> 40) | 1;
        h += r / divisor + r % 1000003u;
        h32 += (uint32_t)(r >> 32) / ((uint32_t)r | 1u);
    }
    return h ^ ((uint64_t)h32 << 17);
}

int main(int argc, char **argv) {
    uint32_t rounds = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : DEFAULT_ROUNDS;
    uint64_t checksum = 0;
    for (uint32_t round = 0; round < rounds; ++round) {
        /* Vary the limit a little so no round is a copy of the previous one. */
        uint32_t primes = count_primes(SIEVE_LIMIT - (round % 7) * 1000);
        checksum = checksum * 31 + primes;
        checksum ^= mix_round(checksum + round);
    }
    printf("int_mix rounds %" PRIu32 " checksum %016" PRIx64 "\n", rounds, checksum);
    return 0;
}
