/* Smallest end-to-end check: a raw write(2) and buffered stdio both reach
 * stdout, in program order, and main's return value becomes the exit status. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
    static const char raw[] = "hello from write(2)\n";
    if (write(STDOUT_FILENO, raw, strlen(raw)) != (ssize_t)strlen(raw))
        return 1;
    printf("hello, %s! %d + %d = %d\n", "printf", 2, 3, 2 + 3);
    puts("hello from puts");
    fflush(stdout);
    return 0;
}
