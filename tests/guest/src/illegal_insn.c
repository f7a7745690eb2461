/* An illegal instruction must raise SIGILL (status 132).
 * argv[1] picks the encoding: "zero" (all-zero word, the defined illegal
 * compressed encoding) or "csr" (a write to the read-only cycle CSR). */
#include <string.h>
#include <unistd.h>

static void say(const char *s) { write(STDOUT_FILENO, s, strlen(s)); }

int main(int argc, char **argv) {
    const char *kind = argc > 1 ? argv[1] : "zero";
    if (strcmp(kind, "csr") == 0) {
        say("executing csrw cycle, zero\n");
        /* csrrw x0, cycle, x0 */
        __asm__ volatile(".4byte 0xc0001073" ::: "memory");
    } else {
        say("executing .word 0\n");
        __asm__ volatile(".word 0" ::: "memory");
    }
    say("still alive after illegal instruction\n");
    return 0;
}
