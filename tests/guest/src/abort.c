/* abort() must end the guest with SIGABRT (status 134) even though glibc
 * first unblocks the signal and raises it through tgkill. */
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    printf("calling abort()\n");
    fflush(stdout);
    abort();
}
