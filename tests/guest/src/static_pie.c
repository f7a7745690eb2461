/* A static position-independent executable (ET_DYN, no PT_INTERP) that
 * relocates itself, as glibc's static-pie start-up would. The Debian riscv64
 * cross glibc has no static-pie support (no rcrt1.o), so this program is
 * freestanding: its own _start, R_RISCV_RELATIVE processing and raw system
 * calls. It checks that the loader put it at a page-aligned base and that
 * the auxiliary vector describes where it really is. */
#include <elf.h>
#include <stddef.h>
#include <stdint.h>

/* Hidden visibility makes every address PC-relative, so the code below runs
 * correctly before its own relocations are applied. */
#pragma GCC visibility push(hidden)

extern const Elf64_Dyn _DYNAMIC[];
extern const Elf64_Ehdr __ehdr_start;
void _start(void);

__asm__(".section .text._start\n"
        ".globl _start\n"
        "_start:\n"
        "  mv a0, sp\n"
        "  andi sp, sp, -16\n"
        "  call start_c\n"
        "  unimp\n");

static long raw_syscall3(long n, long a, long b, long c) {
    register long a0 __asm__("a0") = a;
    register long a1 __asm__("a1") = b;
    register long a2 __asm__("a2") = c;
    register long a7 __asm__("a7") = n;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
    return a0;
}

static void write_str(const char *s) {
    size_t n = 0;
    while (s[n]) ++n;
    raw_syscall3(64 /* write */, 1, (long)s, (long)n);
}

static void write_num(uint64_t v) {
    char buf[24];
    int i = 23;
    buf[i] = '\0';
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    write_str(buf + i);
}

static _Noreturn void exit_group(int status) {
    for (;;) raw_syscall3(94 /* exit_group */, status, 0, 0);
}

/* Applies R_RISCV_RELATIVE entries; returns how many, or -1 on an entry of
 * any other type (a static PIE must not need symbol lookups). */
static long relocate_self(uintptr_t base) {
    const Elf64_Rela *rela = NULL;
    uint64_t rela_size = 0;
    for (const Elf64_Dyn *d = _DYNAMIC; d->d_tag != DT_NULL; ++d) {
        if (d->d_tag == DT_RELA) rela = (const Elf64_Rela *)(base + d->d_un.d_ptr);
        if (d->d_tag == DT_RELASZ) rela_size = d->d_un.d_val;
    }
    long applied = 0;
    for (uint64_t i = 0; rela && i < rela_size / sizeof *rela; ++i) {
        if (ELF64_R_TYPE(rela[i].r_info) != R_RISCV_RELATIVE) return -1;
        *(uint64_t *)(base + rela[i].r_offset) = base + (uint64_t)rela[i].r_addend;
        ++applied;
    }
    return applied;
}

/* Pointers stored in data: each needs a run-time relocation. */
static const char *const fruit[] = {"apple", "banana", "cherry"};
static const char *const *const fruit_table = fruit;

static const char *yes_no(int b) { return b ? "yes" : "no"; }

_Noreturn void start_c(uint64_t *sp) {
    uintptr_t base = (uintptr_t)&__ehdr_start;
    long applied = relocate_self(base);

    uint64_t argc = sp[0];
    char **argv = (char **)(sp + 1);
    char **envp = argv + argc + 1;
    while (*envp) ++envp;
    const Elf64_auxv_t *aux = (const Elf64_auxv_t *)(envp + 1);
    uint64_t at_phdr = 0, at_entry = 0, at_pagesz = 0;
    for (; aux->a_type != AT_NULL; ++aux) {
        if (aux->a_type == AT_PHDR) at_phdr = aux->a_un.a_val;
        if (aux->a_type == AT_ENTRY) at_entry = aux->a_un.a_val;
        if (aux->a_type == AT_PAGESZ) at_pagesz = aux->a_un.a_val;
    }

    write_str("hello from a freestanding static PIE\n");
    write_str("ELF type is ET_DYN: ");
    write_str(yes_no(__ehdr_start.e_type == ET_DYN));
    write_str("\nloaded at a nonzero, page-aligned base: ");
    write_str(yes_no(base != 0 && at_pagesz != 0 && base % at_pagesz == 0));
    write_str("\nrelative relocations applied: ");
    write_str(yes_no(applied > 0));
    write_str("\npointer table after relocation:");
    for (int i = 0; i < 3; ++i) {
        write_str(" ");
        write_str(fruit_table[i]);
    }
    write_str("\nAT_PHDR == base + e_phoff: ");
    write_str(yes_no(at_phdr == base + __ehdr_start.e_phoff));
    write_str("\nAT_ENTRY == &_start: ");
    write_str(yes_no(at_entry == (uintptr_t)&_start));
    write_str("\nargc = ");
    write_num(argc);
    for (uint64_t i = 1; i < argc; ++i) {
        write_str("\nargv[");
        write_num(i);
        write_str("] = ");
        write_str(argv[i]);
    }
    write_str("\n");
    exit_group(applied > 0 ? 0 : 1);
}

#pragma GCC visibility pop
