// Counts how often each guest block runs so a tiered engine can find hot code:
// an open-addressing table keyed by block start pc, cheap enough to bump on
// every block entry, with a threshold that reports each block once when it
// becomes hot.
#pragma once

#include <cstdint>
#include <vector>

#include "vm/optimizers/export.hpp"

namespace vm::optimizers {

struct BlockCount {
  std::uint64_t pc = 0;
  std::uint64_t count = 0;
};

class VM_OPTIMIZERS_API BlockProfiler {
 public:
  // `hot_threshold`: record() returns true exactly once per block, on the
  // execution that reaches this count. 0 disables hot reporting.
  explicit BlockProfiler(std::uint64_t hot_threshold = 0, std::size_t initial_capacity = 1024);

  // Adds one execution of the block at `pc`; true when it just became hot.
  bool record(std::uint64_t pc, std::uint64_t executions = 1);
  std::uint64_t count(std::uint64_t pc) const noexcept;
  std::size_t size() const noexcept { return size_; }
  std::uint64_t hot_threshold() const noexcept { return threshold_; }

  // The `n` most executed blocks, most executed first (ties by pc).
  std::vector<BlockCount> top(std::size_t n) const;
  void clear() noexcept;

 private:
  struct Slot {
    std::uint64_t pc = 0;
    std::uint64_t count = 0;
    bool used = false;
  };
  std::size_t find_slot(std::uint64_t pc) const noexcept;
  void grow();

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
  std::uint64_t threshold_;
};

}  // namespace vm::optimizers
