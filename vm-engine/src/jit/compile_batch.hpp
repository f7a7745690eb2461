// Which queued regions a compiler thread compiles next, as one batch: a
// pure function of the queue's order and sizes, so it is testable apart
// from the threads (JitEngine's worker loop calls it).
#pragma once

#include <cstddef>
#include <vector>

namespace vm::engine::jit {

// A batch shares one LLVM module (set-up ~0.1 ms) but is published only
// when all of it is compiled, and code generation costs ~0.1 ms per guest
// instruction: small regions are batched, a large one goes alone so it
// starts running as soon as it is ready.
inline constexpr std::size_t kMaxBatch = 32;
inline constexpr std::size_t kMaxBatchInsns = 64;

struct QueuedRegion {
  double priority = 0;    // CodeEntry::compile_priority; 0: never asked again since queued
  std::size_t insns = 0;  // guest instructions
  bool parked = false;    // waits until it gets hot again
};

// How many regions from the front of `queue` (sorted by priority, highest
// first) make the next batch; 0 when the first is parked. The first always
// goes; the rest while they fit in kMaxBatch and kMaxBatchInsns, and not
// one that never asked again after one that did (start-up code, soon
// parked): int_mix's sieve loop (4 instructions, asking) waited 28 ms for
// libc's 49-instruction start-up region batched with it.
inline std::size_t batch_size(const std::vector<QueuedRegion>& queue) {
  std::size_t taken = 0, insns = 0;
  while (taken < queue.size() && taken < kMaxBatch && !queue[taken].parked) {
    const QueuedRegion& r = queue[taken];
    if (taken > 0 && (insns + r.insns > kMaxBatchInsns || (queue[0].priority > 0 && r.priority == 0))) break;
    insns += r.insns;
    ++taken;
  }
  return taken;
}

}  // namespace vm::engine::jit
