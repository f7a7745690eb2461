/* ebreak with no debugger attached must deliver SIGTRAP (status 133). */
#include <unistd.h>

int main(void) {
    static const char msg[] = "executing ebreak\n";
    write(STDOUT_FILENO, msg, sizeof msg - 1);
    __asm__ volatile("ebreak" ::: "memory");
    static const char after[] = "still alive after ebreak\n";
    write(STDOUT_FILENO, after, sizeof after - 1);
    return 0;
}
