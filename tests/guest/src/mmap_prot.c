/* mmap, munmap, mprotect, mremap and madvise called directly, including the
 * error cases a faithful Linux emulation must reproduce. No access here ever
 * faults; the checks rely on return values only. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int failures;

#define CHECK(cond)                                                                               \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            printf("FAILED at line %d: %s (errno %d %s)\n", __LINE__, #cond, errno, strerror(errno)); \
            ++failures;                                                                           \
        }                                                                                         \
    } while (0)

static size_t count_nonzero(const unsigned char *p, size_t n) {
    size_t c = 0;
    for (size_t i = 0; i < n; ++i) c += p[i] != 0;
    return c;
}

int main(void) {
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    printf("page size %zu\n", page);

    unsigned char *p = mmap(NULL, 16 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    CHECK(((uintptr_t)p % page) == 0);
    printf("anonymous mapping of 16 pages: page aligned, %zu non-zero bytes\n", count_nonzero(p, 16 * page));
    for (size_t i = 0; i < 16 * page; ++i) p[i] = (unsigned char)(i / page + 1);

    CHECK(mprotect(p, 4 * page, PROT_READ) == 0);
    unsigned sum = 0;
    for (size_t i = 0; i < 4 * page; i += page) sum += p[i];
    CHECK(mprotect(p, 4 * page, PROT_READ | PROT_WRITE) == 0);
    p[0] = 42;
    printf("read-only then writable again: first pages sum %u, p[0] = %u\n", sum, p[0]);

    /* Punch a hole in the middle and map a fresh page at exactly that spot. */
    CHECK(munmap(p + 5 * page, page) == 0);
    unsigned char *fixed = mmap(p + 5 * page, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                                -1, 0);
    CHECK(fixed == p + 5 * page);
    printf("MAP_FIXED refill of an unmapped page: at the hole %s, zero-filled %s, neighbours kept %s\n",
           fixed == p + 5 * page ? "yes" : "no", count_nonzero(fixed, page) == 0 ? "yes" : "no",
           (p[4 * page] == 5 && p[6 * page] == 7) ? "yes" : "no");

    /* MAP_FIXED over existing data replaces it. */
    unsigned char *over = mmap(p + 8 * page, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                               -1, 0);
    CHECK(over == p + 8 * page);
    printf("MAP_FIXED over live pages zeroes them: %s\n", count_nonzero(over, 2 * page) == 0 ? "yes" : "no");

    CHECK(madvise(p + 10 * page, page, MADV_DONTNEED) == 0);
    printf("MADV_DONTNEED on private anonymous memory zeroes it: %s\n",
           count_nonzero(p + 10 * page, page) == 0 ? "yes" : "no");

    unsigned char *grown = mremap(p, 16 * page, 64 * page, MREMAP_MAYMOVE);
    CHECK(grown != MAP_FAILED);
    if (grown != MAP_FAILED) {
        printf("mremap 16 -> 64 pages: old data kept %s, new tail zero %s\n",
               (grown[0] == 42 && grown[15 * page] == 16) ? "yes" : "no",
               count_nonzero(grown + 16 * page, 48 * page) == 0 ? "yes" : "no");
        p = grown;
    }

    unsigned char *ro = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(ro != MAP_FAILED);
    printf("PROT_READ mapping reads zero: %s\n", ro[page - 1] == 0 ? "yes" : "no");
    CHECK(munmap(ro, page) == 0);

    /* Error cases. */
    errno = 0;
    void *bad = mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("mmap length 0: %s\n", (bad == MAP_FAILED && errno == EINVAL) ? "EINVAL" : "unexpected");
    errno = 0;
    int r = munmap(p + 1, page);
    printf("munmap unaligned: %s\n", (r != 0 && errno == EINVAL) ? "EINVAL" : "unexpected");
    errno = 0;
    bad = mmap(NULL, page, PROT_READ, MAP_PRIVATE, -1, 0);
    printf("mmap of fd -1 without MAP_ANONYMOUS: %s\n", (bad == MAP_FAILED && errno == EBADF) ? "EBADF" : "unexpected");

    CHECK(munmap(p, 64 * page) == 0);
    errno = 0;
    r = mprotect(p, page, PROT_READ);
    printf("mprotect of unmapped memory: %s\n", (r != 0 && errno == ENOMEM) ? "ENOMEM" : "unexpected");
    printf("%s\n", failures == 0 ? "all mmap checks passed" : "SOME MMAP CHECKS FAILED");
    return failures == 0 ? 0 : 1;
}
