/* A store to an unmapped low address must kill the guest with SIGSEGV
 * (status 139) without taking the host down. */
#include <unistd.h>

int main(void) {
    static const char msg[] = "storing to 0x10\n";
    write(STDOUT_FILENO, msg, sizeof msg - 1);
    /* Through a volatile pointer so the compiler cannot prove it bad. */
    volatile int *volatile target = (volatile int *)0x10;
    *target = 1;
    static const char after[] = "still alive after wild store\n";
    write(STDOUT_FILENO, after, sizeof after - 1);
    return 0;
}
