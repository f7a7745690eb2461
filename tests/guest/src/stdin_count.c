/* Reads standard input to EOF with read(2) in odd-sized chunks and prints
 * wc-style counts plus a checksum of the bytes. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
    unsigned char buf[777];
    uint64_t bytes = 0, lines = 0, words = 0, reads = 0;
    uint32_t hash = 2166136261u; /* FNV-1a */
    int in_word = 0;
    ssize_t n;
    while ((n = read(STDIN_FILENO, buf, sizeof buf)) > 0) {
        ++reads;
        for (ssize_t i = 0; i < n; ++i) {
            unsigned char c = buf[i];
            hash = (hash ^ c) * 16777619u;
            lines += c == '\n';
            if (isspace(c)) {
                in_word = 0;
            } else if (!in_word) {
                in_word = 1;
                ++words;
            }
        }
        bytes += (uint64_t)n;
    }
    if (n < 0) {
        perror("read");
        return 1;
    }
    printf("lines %llu words %llu bytes %llu fnv1a %08x\n", (unsigned long long)lines, (unsigned long long)words,
           (unsigned long long)bytes, hash);
    printf("read() calls needed at least %llu: %s\n", (unsigned long long)((bytes + sizeof buf - 1) / sizeof buf),
           reads >= (bytes + sizeof buf - 1) / sizeof buf ? "yes" : "no");
    return 0;
}
