// Which queued regions a compiler thread compiles next, as one batch: a
// pure function of the queue's order and sizes, so it is testable apart
// from the threads (JitEngine's worker loop calls it).
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace vm::engine::jit {

// A batch shares one LLVM module (saving its set-up) but is published only
// when all of it is compiled, and code generation costs 0.2-0.5 ms per
// guest instruction on the shared 2-core test machine: small regions are
// batched, a large one goes alone so it starts running as soon as it is
// ready. (At 24 instructions memory's list walk was published 19 ms
// sooner, but memory ran 1.5% faster and int_mix 3% slower, interleaved
// best of 15: no clear gain.)
inline constexpr std::size_t kMaxBatch = 32;
inline constexpr std::size_t kMaxBatchInsns = 64;

struct QueuedRegion {
  double priority = 0;    // CodeEntry::compile_priority; 0: never asked again since queued
  std::size_t insns = 0;  // guest instructions
  bool parked = false;    // waits until it gets hot again
  std::size_t index = 0;  // the caller's: where the region is in its queue
};

// Regions that are not parked first, then by priority, highest first;
// otherwise in queue order. (A parked region first made the batch empty
// while others waited, and the compiler thread spun: over 71000 empty
// batches in one fp_nbody run.)
inline void sort_for_batching(std::vector<QueuedRegion>& queue) {
  std::stable_sort(queue.begin(), queue.end(), [](const QueuedRegion& a, const QueuedRegion& b) {
    if (a.parked != b.parked) return b.parked;
    return a.priority > b.priority;
  });
}

// How many regions from the front of `queue` (sort_for_batching's order)
// make the next batch; 0 when all are parked. The first always goes; the
// rest while they fit in kMaxBatch and kMaxBatchInsns, and not one that
// never asked again after one that did (start-up code, soon parked):
// int_mix's sieve loop (4 instructions, asking) waited 28 ms for libc's
// 49-instruction start-up region batched with it.
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
