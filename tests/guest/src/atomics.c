/* C11 <stdatomic.h> on 32- and 64-bit objects: each operation maps to an
 * AMO or an LR/SC loop, and each result is checked against plain arithmetic. */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

static _Atomic uint32_t counter32;
static _Atomic uint64_t counter64;
static _Atomic int32_t signed32 = -5;
static _Atomic int64_t signed64 = -5;

static void fetch_ops(void) {
    uint32_t old32 = atomic_fetch_add(&counter32, 0xfffffff0u);
    uint32_t after_add = atomic_load(&counter32);
    uint32_t old_sub = atomic_fetch_sub(&counter32, 0x20);
    uint32_t old_or = atomic_fetch_or(&counter32, 0x0f0f0f0fu);
    uint32_t old_and = atomic_fetch_and(&counter32, 0xff00ff00u);
    uint32_t old_xor = atomic_fetch_xor(&counter32, 0x12345678u);
    printf("32-bit: add old %08x new %08x, sub old %08x, or old %08x, and old %08x, xor old %08x, final %08x\n",
           old32, after_add, old_sub, old_or, old_and, old_xor, atomic_load(&counter32));

    uint64_t old64 = atomic_fetch_add(&counter64, 0xfffffffffffffff0ull);
    uint64_t sub64 = atomic_fetch_sub(&counter64, 0x20);
    uint64_t or64 = atomic_fetch_or(&counter64, 0x0f0f0f0f0f0f0f0full);
    uint64_t and64 = atomic_fetch_and(&counter64, 0xff00ff00ff00ff00ull);
    uint64_t xor64 = atomic_fetch_xor(&counter64, 0x123456789abcdef0ull);
    printf("64-bit: add old %016llx, sub old %016llx, or old %016llx, and old %016llx, xor old %016llx, final %016llx\n",
           (unsigned long long)old64, (unsigned long long)sub64, (unsigned long long)or64,
           (unsigned long long)and64, (unsigned long long)xor64, (unsigned long long)atomic_load(&counter64));

    /* 32-bit AMOs sign-extend their result into the 64-bit register. */
    int32_t s32 = atomic_fetch_add(&signed32, 1);
    int64_t s64 = atomic_fetch_add(&signed64, 1);
    printf("signed: 32-bit old %d new %d, 64-bit old %lld new %lld\n", s32, atomic_load(&signed32), (long long)s64,
           (long long)atomic_load(&signed64));
}

static void exchange_and_cas(void) {
    uint32_t prev = atomic_exchange(&counter32, 0xdeadbeefu);
    uint64_t prev64 = atomic_exchange(&counter64, 0x0123456789abcdefull);
    printf("exchange: 32-bit previous %08x now %08x; 64-bit previous %016llx now %016llx\n", prev,
           atomic_load(&counter32), (unsigned long long)prev64, (unsigned long long)atomic_load(&counter64));

    uint32_t expected = 1;
    _Bool ok = atomic_compare_exchange_strong(&counter32, &expected, 2);
    printf("cas32 with wrong expected: success %d, expected now %08x\n", ok, expected);
    ok = atomic_compare_exchange_strong(&counter32, &expected, 2);
    printf("cas32 with right expected: success %d, value now %u\n", ok, atomic_load(&counter32));

    uint64_t expected64 = 0;
    ok = atomic_compare_exchange_strong(&counter64, &expected64, 5);
    printf("cas64 with wrong expected: success %d, expected now %016llx\n", ok, (unsigned long long)expected64);
    ok = atomic_compare_exchange_strong(&counter64, &expected64, 5);
    printf("cas64 with right expected: success %d, value now %llu\n", ok, (unsigned long long)atomic_load(&counter64));
}

/* A CAS loop computing a running maximum and a multiply, operations that
 * have no AMO of their own. */
static void cas_loops(void) {
    static _Atomic uint64_t maximum;
    static _Atomic uint32_t product = 1;
    uint64_t x = 88172645463325252ull;
    for (int i = 0; i < 100000; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        uint64_t seen = atomic_load_explicit(&maximum, memory_order_relaxed);
        while (x > seen && !atomic_compare_exchange_weak(&maximum, &seen, x)) {
        }
        uint32_t p = atomic_load(&product);
        while (!atomic_compare_exchange_weak(&product, &p, p * 2654435761u + (uint32_t)i)) {
        }
    }
    printf("cas loop: maximum %016llx, product %08x\n", (unsigned long long)atomic_load(&maximum),
           atomic_load(&product));
}

static void flags_and_fences(void) {
    static atomic_flag flag = ATOMIC_FLAG_INIT;
    _Bool first = atomic_flag_test_and_set(&flag);
    _Bool second = atomic_flag_test_and_set(&flag);
    atomic_flag_clear(&flag);
    _Bool third = atomic_flag_test_and_set(&flag);
    atomic_thread_fence(memory_order_seq_cst);
    atomic_signal_fence(memory_order_acq_rel);
    printf("atomic_flag: %d %d %d; lock-free 32 %d 64 %d\n", first, second, third,
           (int)atomic_is_lock_free(&counter32), (int)atomic_is_lock_free(&counter64));
}

int main(void) {
    fetch_ops();
    exchange_and_cas();
    cas_loops();
    flags_and_fences();
    return 0;
}
