/* uname(2): a riscv64 guest must see sysname "Linux" and machine "riscv64".
 * The release and node name depend on the host, so they are only checked
 * for being non-empty. */
#include <stdio.h>
#include <sys/utsname.h>

int main(void) {
    struct utsname u;
    if (uname(&u) != 0) {
        perror("uname");
        return 1;
    }
    printf("sysname = %s\n", u.sysname);
    printf("machine = %s\n", u.machine);
    printf("release non-empty: %s, nodename non-empty: %s\n", u.release[0] ? "yes" : "no",
           u.nodename[0] ? "yes" : "no");
    return 0;
}
