/* exit(42) must run atexit handlers (in reverse order), flush stdio and
 * report status 42 to the parent. */
#include <stdio.h>
#include <stdlib.h>

static void first_registered(void) { puts("atexit: first registered, runs last"); }
static void second_registered(void) { puts("atexit: second registered, runs first"); }

int main(void) {
    atexit(first_registered);
    atexit(second_registered);
    printf("calling exit(42) with this line still buffered\n");
    exit(42);
}
