/* Guest workload "branchy": hard-to-predict control flow: a small stack
 * bytecode interpreter (switch dispatch) running Collatz-style loops, and a
 * quicksort plus binary searches over pseudo-random keys. argv[1] = rounds. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define DEFAULT_ROUNDS 8u
#define SORT_KEYS 200000u

enum op { PUSH, LOAD, STORE, ADD, SUB, MUL3_ADD1, HALVE, IS_ODD, JZ, JMP, DEC_R0_JNZ, HALT };

struct insn {
    uint8_t op;
    int32_t arg;
};

/* steps = sum of Collatz path lengths for n = r0 .. 1
 * (r0 = next start value, r1 = n, r2 = steps). */
static const struct insn program[] = {
    {LOAD, 0},  {STORE, 1},                                     /*  0 n = r0            */
    {LOAD, 1},  {PUSH, 1},      {SUB, 0},   {JZ, 20},           /*  2 if n == 1 -> 20   */
    {LOAD, 2},  {PUSH, 1},      {ADD, 0},   {STORE, 2},         /*  6 ++steps           */
    {LOAD, 1},  {IS_ODD, 0},    {JZ, 16},                       /* 10 even -> 16        */
    {LOAD, 1},  {MUL3_ADD1, 0}, {JMP, 18},                      /* 13 odd: 3n + 1       */
    {LOAD, 1},  {HALVE, 0},                                     /* 16 even: n / 2       */
    {STORE, 1}, {JMP, 2},                                       /* 18 n = result, loop  */
    {DEC_R0_JNZ, 0},                                            /* 20 --r0 != 0 -> 0    */
    {HALT, 0},                                                  /* 21                   */
};

static uint64_t run_bytecode(uint64_t count) {
    uint64_t reg[4] = {count, 0, 0, 0}, stack[16];
    int sp = 0;
    size_t pc = 0;
    for (;;) {
        const struct insn in = program[pc++];
        switch (in.op) {
        case PUSH: stack[sp++] = (uint64_t)in.arg; break;
        case LOAD: stack[sp++] = reg[in.arg]; break;
        case STORE: reg[in.arg] = stack[--sp]; break;
        case ADD: --sp; stack[sp - 1] += stack[sp]; break;
        case SUB: --sp; stack[sp - 1] -= stack[sp]; break;
        case MUL3_ADD1: stack[sp - 1] = stack[sp - 1] * 3 + 1; break;
        case HALVE: stack[sp - 1] >>= 1; break;
        case IS_ODD: stack[sp - 1] &= 1; break;
        case JZ: if (stack[--sp] == 0) pc = (size_t)in.arg; break;
        case JMP: pc = (size_t)in.arg; break;
        case DEC_R0_JNZ: if (--reg[0] != 0) pc = (size_t)in.arg; break;
        case HALT: return reg[2];
        default: return ~0ull;
        }
    }
}

static void quicksort(uint32_t *v, long lo, long hi) {
    while (lo < hi) {
        uint32_t pivot = v[lo + (hi - lo) / 2];
        long i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot) ++i;
            while (v[j] > pivot) --j;
            if (i <= j) {
                uint32_t t = v[i];
                v[i++] = v[j];
                v[j--] = t;
            }
        }
        /* Recurse into the smaller half to bound the stack depth. */
        if (j - lo < hi - i) {
            quicksort(v, lo, j);
            lo = i;
        } else {
            quicksort(v, i, hi);
            hi = j;
        }
    }
}

static long search(const uint32_t *v, long n, uint32_t key) {
    long lo = 0, hi = n - 1;
    while (lo <= hi) {
        long mid = lo + (hi - lo) / 2;
        if (v[mid] == key) return mid;
        if (v[mid] < key) lo = mid + 1;
        else hi = mid - 1;
    }
    return -1;
}

int main(int argc, char **argv) {
    uint32_t rounds = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : DEFAULT_ROUNDS;
    uint32_t *keys = malloc(SORT_KEYS * sizeof *keys);
    if (!keys) return 1;
    uint64_t checksum = 0;
    uint32_t s = 0x9e3779b9u;
    for (uint32_t round = 0; round < rounds; ++round) {
        checksum = checksum * 31 + run_bytecode(3000 + round);
        for (uint32_t i = 0; i < SORT_KEYS; ++i) {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            keys[i] = s % 1000000u;
        }
        quicksort(keys, 0, SORT_KEYS - 1);
        long found = 0;
        for (uint32_t k = 0; k < 1000000u; k += 3) found += search(keys, SORT_KEYS, k) >= 0;
        checksum = checksum * 31 + (uint64_t)found + keys[SORT_KEYS / 2];
    }
    printf("branchy rounds %" PRIu32 " checksum %016" PRIx64 "\n", rounds, checksum);
    free(keys);
    return 0;
}
