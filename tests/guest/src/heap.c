/* Heap growth through both of glibc's sources: small blocks come from the
 * brk heap (so the program break must move), blocks over the 128 KiB mmap
 * threshold come from mmap. Contents are checked after every move. */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures;

static void expect(int ok, const char *what) {
    if (!ok) {
        printf("FAILED: %s\n", what);
        ++failures;
    }
}

/* Large blocks are touched every 61st byte (and at both ends) rather than
 * byte by byte, which keeps the test quick under a slow interpreter while
 * still touching every page. */
static size_t step_for(size_t n) { return n > 65536 ? 61 : 1; }

static void fill(unsigned char *p, size_t n, unsigned seed) {
    for (size_t i = 0; i < n; i += step_for(n)) p[i] = (unsigned char)(seed + i * 31u);
    p[n - 1] = (unsigned char)(seed + (n - 1) * 31u);
}

static int verify(const unsigned char *p, size_t n, unsigned seed) {
    for (size_t i = 0; i < n; i += step_for(n))
        if (p[i] != (unsigned char)(seed + i * 31u)) return 0;
    return p[n - 1] == (unsigned char)(seed + (n - 1) * 31u);
}

static void many_small_blocks(void) {
    enum { count = 4000 };
    static unsigned char *blocks[count];
    static size_t sizes[count];
    uintptr_t break_before = (uintptr_t)sbrk(0);
    for (unsigned i = 0; i < count; ++i) {
        sizes[i] = 1 + (i * 7919u) % 2000; /* 1 .. 2000 bytes */
        blocks[i] = malloc(sizes[i]);
        expect(blocks[i] != NULL, "small malloc");
        fill(blocks[i], sizes[i], i);
    }
    uintptr_t break_after = (uintptr_t)sbrk(0);
    int ok = 1;
    for (unsigned i = 0; i < count; ++i) ok &= verify(blocks[i], sizes[i], i);
    expect(ok, "small block contents");
    /* Free every other block, then reuse the holes with new sizes. */
    for (unsigned i = 0; i < count; i += 2) free(blocks[i]);
    for (unsigned i = 0; i < count; i += 2) {
        sizes[i] = 1 + (i * 104729u) % 3000;
        blocks[i] = malloc(sizes[i]);
        fill(blocks[i], sizes[i], i ^ 0x55);
    }
    ok = 1;
    for (unsigned i = 0; i < count; ++i) ok &= verify(blocks[i], sizes[i], (i % 2 == 0) ? (i ^ 0x55) : i);
    expect(ok, "contents after reuse");
    for (unsigned i = 0; i < count; ++i) free(blocks[i]);
    printf("%d small blocks: contents ok %s, program break grew by more than 1 MiB: %s\n", count,
           ok ? "yes" : "no", break_after - break_before > (1u << 20) ? "yes" : "no");
}

static void explicit_brk(void) {
    char *old_break = sbrk(0);
    char *p = sbrk(64 * 1024);
    expect(p == old_break, "sbrk returns the old break");
    memset(p, 0xab, 64 * 1024);
    expect((char *)sbrk(0) == old_break + 64 * 1024, "break moved by 64 KiB");
    expect(sbrk(-64 * 1024) == old_break + 64 * 1024, "sbrk shrink");
    printf("sbrk(+64 KiB) and back: %s\n", (char *)sbrk(0) == old_break ? "ok" : "wrong break");
}

static void large_blocks(void) {
    static const size_t sizes[] = {129 * 1024, 256 * 1024, 1 << 20, 8 << 20, 33 << 20};
    enum { n = sizeof sizes / sizeof sizes[0] };
    unsigned char *blocks[n];
    for (unsigned i = 0; i < n; ++i) {
        blocks[i] = malloc(sizes[i]);
        expect(blocks[i] != NULL, "large malloc");
        fill(blocks[i], sizes[i], i + 100);
    }
    /* The 129 KiB block may still come from a large enough top chunk; the
     * three blocks of 1 MiB and more (42 MiB in all) must be mmap'd. */
    struct mallinfo2 info = mallinfo2();
    int ok = 1;
    for (unsigned i = 0; i < n; ++i) ok &= verify(blocks[i], sizes[i], i + 100);
    printf("%d large blocks (129 KiB .. 33 MiB): contents ok %s, mmap'd chunks >= 4: %s, mmap'd bytes >= 42 MiB: %s\n",
           n, ok ? "yes" : "no", info.hblks >= 4 ? "yes" : "no", info.hblkhd >= (42u << 20) ? "yes" : "no");
    for (unsigned i = 0; i < n; ++i) free(blocks[i]);
    printf("after free: mmap'd chunks %zu\n", mallinfo2().hblks);

    unsigned char *zeroed = calloc(3 << 20, 1);
    size_t nonzero = 0;
    for (size_t i = 0; i < (3u << 20); i += 8) nonzero += *(const uint64_t *)(zeroed + i) != 0;
    printf("calloc(3 MiB): %zu non-zero bytes\n", nonzero);
    free(zeroed);
}

static void realloc_growth(void) {
    size_t size = 16;
    unsigned char *p = malloc(size);
    fill(p, size, 7);
    int moves = 0, ok = 1;
    while (size < (16u << 20)) {
        size_t new_size = size * 2;
        unsigned char *q = realloc(p, new_size);
        expect(q != NULL, "realloc");
        moves += q != p;
        ok &= verify(q, size, 7);
        fill(q, new_size, 7);
        p = q;
        size = new_size;
    }
    p = realloc(p, 100);
    ok &= verify(p, 100, 7);
    free(p);
    printf("realloc 16 B -> 16 MiB -> 100 B: contents kept %s, moved at least once: %s\n", ok ? "yes" : "no",
           moves > 0 ? "yes" : "no");

    void *aligned = NULL;
    expect(posix_memalign(&aligned, 4096, 10000) == 0, "posix_memalign");
    printf("posix_memalign(4096): aligned %s\n", ((uintptr_t)aligned % 4096) == 0 ? "yes" : "no");
    free(aligned);
}

int main(void) {
    many_small_blocks();
    explicit_brk();
    large_blocks();
    realloc_growth();
    printf("%s\n", failures == 0 ? "all heap checks passed" : "SOME HEAP CHECKS FAILED");
    return failures == 0 ? 0 : 1;
}
