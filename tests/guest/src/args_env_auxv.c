/* What the loader hands the guest: argc/argv, the environment, and the
 * auxiliary vector. Only run-independent facts are printed: argv[0] is
 * reduced to its basename and addresses are compared, never shown. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern char **environ;
extern char _start[];

static const char *basename_of(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static const char *yes_no(int b) { return b ? "yes" : "no"; }

static void print_hwcap_letters(unsigned long hwcap) {
    /* Linux reports single-letter ISA extensions as bit (letter - 'A'). */
    static const char letters[] = "IMAFDC";
    char present[8] = {0};
    int n = 0;
    for (const char *l = letters; *l; ++l)
        if (hwcap & (1ul << (*l - 'A'))) present[n++] = *l;
    printf("AT_HWCAP nonzero: %s, base extensions present: %s\n", yes_no(hwcap != 0), present);
}

int main(int argc, char **argv, char **envp) {
    printf("argc = %d\n", argc);
    printf("argv[0] basename = %s\n", basename_of(argv[0]));
    for (int i = 1; i < argc; ++i) printf("argv[%d] = \"%s\" (%zu bytes)\n", i, argv[i], strlen(argv[i]));
    printf("argv[argc] is NULL: %s\n", yes_no(argv[argc] == NULL));

    const char *var = getenv("VM_GUEST_TEST_VAR");
    printf("getenv(VM_GUEST_TEST_VAR) = %s\n", var ? var : "(unset)");
    printf("getenv(VM_GUEST_UNSET_VAR) = %s\n", getenv("VM_GUEST_UNSET_VAR") ? "set" : "(unset)");
    int in_envp = 0;
    for (char **e = envp; *e; ++e) in_envp |= strncmp(*e, "VM_GUEST_TEST_VAR=", 18) == 0;
    printf("VM_GUEST_TEST_VAR found by walking envp: %s, envp == environ: %s\n", yes_no(in_envp),
           yes_no(envp == environ));
    /* The System V ABI stack layout: envp starts right after argv's NULL. */
    printf("envp follows argv on the stack: %s\n", yes_no(envp == argv + argc + 1));

    printf("AT_PAGESZ = %lu\n", getauxval(AT_PAGESZ));
    print_hwcap_letters(getauxval(AT_HWCAP));
    printf("AT_ENTRY == &_start: %s\n", yes_no(getauxval(AT_ENTRY) == (uintptr_t)_start));
    printf("AT_PHDR nonzero: %s, AT_PHENT = %lu, AT_PHNUM nonzero: %s\n", yes_no(getauxval(AT_PHDR) != 0),
           getauxval(AT_PHENT), yes_no(getauxval(AT_PHNUM) != 0));
    printf("AT_UID/AT_EUID/AT_GID/AT_EGID match the syscalls: %s\n",
           yes_no(getauxval(AT_UID) == getuid() && getauxval(AT_EUID) == geteuid() &&
                  getauxval(AT_GID) == getgid() && getauxval(AT_EGID) == getegid()));
    printf("AT_SECURE = %lu\n", getauxval(AT_SECURE));
    const unsigned char *random_bytes = (const unsigned char *)getauxval(AT_RANDOM);
    int random_nonzero = 0;
    for (int i = 0; random_bytes && i < 16; ++i) random_nonzero |= random_bytes[i];
    printf("AT_RANDOM points at 16 bytes, not all zero: %s\n", yes_no(random_bytes && random_nonzero));
    const char *execfn = (const char *)getauxval(AT_EXECFN);
    printf("AT_EXECFN basename = %s\n", execfn ? basename_of(execfn) : "(missing)");
    printf("AT_CLKTCK = %lu\n", getauxval(AT_CLKTCK));
    return 0;
}
