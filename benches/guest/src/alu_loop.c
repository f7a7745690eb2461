/* Guest workload "alu_loop": a tight loop of register-only integer ALU work
 * (adds, xors, shifts, rotates, compares) with no loads or stores in the loop
 * body, so it measures the raw per-instruction cost of an engine (the
 * interpreter MIPS target). argv[1] = iterations (default below). */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define DEFAULT_ITERATIONS 500000000ull

int main(int argc, char **argv) {
    uint64_t iterations = argc > 1 ? strtoull(argv[1], NULL, 10) : DEFAULT_ITERATIONS;
    uint64_t a = 0x9e3779b97f4a7c15ull, b = 0xbf58476d1ce4e5b9ull, c = 1, d = 0;
    uint32_t w = 0x12345678u;
    for (uint64_t i = 0; i < iterations; ++i) {
        a += b ^ i;
        b = (b << 7) | (b >> 57);
        c ^= a >> 11;
        d += (a < b) + (c >> 60); /* set-less-than, no branch */
        w = (w ^ (uint32_t)a) + (w << 3);
        c += (uint64_t)(int64_t)(int32_t)w; /* 32-bit ops and sign extension */
    }
    uint64_t checksum = a ^ (b * 3) ^ (c << 1) ^ d ^ w;
    printf("alu_loop iterations %" PRIu64 " checksum %016" PRIx64 "\n", iterations, checksum);
    return 0;
}
