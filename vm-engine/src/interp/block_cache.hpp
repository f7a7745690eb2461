// Owns translated blocks, keyed by guest pc, plus a small direct-mapped jump
// cache that serves indirect jumps and returns without a hash look-up.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <unordered_map>

#include "interp/exec_block.hpp"

namespace vm::engine::interp {

class BlockCache {
 public:
  // Jump-cache probe only: the inline fast path for indirect jumps.
  ExecBlock* peek(std::uint64_t pc) const noexcept {
    const JumpEntry& e = jump_cache_[index(pc)];
    return e.pc == pc ? e.block : nullptr;
  }

  ExecBlock* find(std::uint64_t pc) noexcept {
    JumpEntry& e = jump_cache_[index(pc)];
    if (e.pc == pc && e.block) return e.block;
    auto it = blocks_.find(pc);
    if (it == blocks_.end()) return nullptr;
    e = {pc, it->second.get()};
    return it->second.get();
  }

  ExecBlock* insert(std::unique_ptr<ExecBlock> block) {
    ExecBlock* raw = block.get();
    jump_cache_[index(raw->start_pc)] = {raw->start_pc, raw};
    blocks_[raw->start_pc] = std::move(block);
    return raw;
  }

  void clear() noexcept {
    blocks_.clear();
    jump_cache_.fill({});
  }

  std::size_t size() const noexcept { return blocks_.size(); }

 private:
  struct JumpEntry {
    std::uint64_t pc = 0;
    ExecBlock* block = nullptr;
  };
  static constexpr std::size_t kJumpCacheSize = 4096;
  static std::size_t index(std::uint64_t pc) noexcept { return (pc >> 1) & (kJumpCacheSize - 1); }

  std::unordered_map<std::uint64_t, std::unique_ptr<ExecBlock>> blocks_;
  std::array<JumpEntry, kJumpCacheSize> jump_cache_{};
};

}  // namespace vm::engine::interp
