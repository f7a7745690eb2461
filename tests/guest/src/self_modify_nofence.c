// Self-modifying code without fence.i: like self_modify, but the rewrite is
// a plain store and nothing tells the engine. The engines (like qemu-riscv64)
// notice stores to pages holding translated code and drop those
// translations, so the new code runs from the next call on. The second part
// is a function that patches an instruction of its own block, called in a
// hot loop: the block that did the store finishes with the code it started
// with (so each call returns the previous call's value, as under qemu), and
// the next call runs the patched code.
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>

typedef long (*fn_t)(void);
typedef long (*patcher_t)(uint32_t* slot, uint32_t insn);

static uint32_t addi_a0(int value) { return ((uint32_t)(value & 0xfff) << 20) | (10u << 7) | 0x13u; }

int main(void) {
  uint32_t* code = mmap(NULL, 8192, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (code == MAP_FAILED) {
    perror("mmap");
    return 1;
  }
  // Part 1: rewrite a hot function between calls (the first version is
  // published with fence.i, the rewrites are not).
  code[0] = addi_a0(7);
  code[1] = 0x00008067u;  // ret
  __asm__ volatile("fence.i" ::: "memory");
  fn_t fn = (fn_t)(uintptr_t)code;
  for (int version = 1; version <= 4; ++version) {
    long sum = 0;
    for (int i = 0; i < 100000; ++i) sum += fn();
    printf("version %d: fn() = %ld, sum of 100000 calls = %ld\n", version, fn(), sum);
    code[0] = addi_a0((version + 1) * 100 + 7);  // a plain store, no fence.i
  }
  // Part 2: a function that stores `insn` into `slot` (its own last addi)
  // and then falls into it:  sw a1, 0(a0); <slot: addi a0, zero, 1>; ret
  uint32_t* patcher = code + 1024;  // second page
  patcher[0] = 0x00b52023u;         // sw a1, 0(a0)
  patcher[1] = addi_a0(1);          // the slot
  patcher[2] = 0x00008067u;         // ret
  __asm__ volatile("fence.i" ::: "memory");
  patcher_t patch = (patcher_t)(uintptr_t)patcher;
  long total = 0;
  for (int i = 1; i <= 300; ++i) total += patch(patcher + 1, addi_a0(i % 100));
  printf("self-patching: last = %ld, total = %ld\n", patch(patcher + 1, addi_a0(42)), total);
  return 0;
}
