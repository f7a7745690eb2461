// Self-modifying code: writes a tiny function (li a0, N; ret) into an
// executable page, runs it many times (so a tiered engine compiles it),
// rewrites the immediate, executes fence.i and runs it again. Every engine
// must see the new code after fence.i.
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

typedef long (*fn_t)(void);

static void emit(uint32_t* code, int value) {
  code[0] = ((uint32_t)(value & 0xfff) << 20) | (10u << 7) | 0x13u;  // addi a0, zero, value
  code[1] = 0x00008067u;                                             // ret (jalr zero, 0(ra))
  __asm__ volatile("fence.i" ::: "memory");
}

int main(void) {
  uint32_t* code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (code == MAP_FAILED) {
    perror("mmap");
    return 1;
  }
  fn_t fn = (fn_t)(uintptr_t)code;
  for (int version = 1; version <= 4; ++version) {
    emit(code, version * 100 + 7);
    long sum = 0;
    for (int i = 0; i < 300000; ++i) sum += fn();
    printf("version %d: fn() = %ld, sum of 300000 calls = %ld\n", version, fn(), sum);
  }
  return 0;
}
