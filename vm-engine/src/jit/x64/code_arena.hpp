// Executable memory for the baseline tier: shared memory mapped twice,
// writable at one address and executable at another, so no page is ever
// writable and executable at once and publishing code needs no mprotect
// call. Where the second mapping is refused it falls back to toggling page
// protection.
// Code is appended and never freed one block at a time: reset() drops it
// all when the engine flushes its translations (no code can be running
// then).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "vm/core/result.hpp"

namespace vm::engine::jit::x64 {

class CodeArena {
 public:
  static vm::Result<std::unique_ptr<CodeArena>> create(std::size_t capacity);
  ~CodeArena();
  CodeArena(const CodeArena&) = delete;
  CodeArena& operator=(const CodeArena&) = delete;

  // Copies `size` bytes of position-independent code into the arena and
  // returns its executable address, or null when the arena is full.
  const void* add(const std::uint8_t* code, std::size_t size);
  bool contains(const void* p) const {
    auto a = reinterpret_cast<std::uintptr_t>(p);
    auto base = reinterpret_cast<std::uintptr_t>(exec_);
    return a >= base && a < base + capacity_;
  }
  std::uintptr_t exec_base() const { return reinterpret_cast<std::uintptr_t>(exec_); }
  std::size_t capacity() const { return capacity_; }
  void reset() { used_ = 0; }
  std::size_t used() const { return used_; }

 private:
  CodeArena(std::uint8_t* write, std::uint8_t* exec, std::size_t capacity, bool dual)
      : write_(write), exec_(exec), capacity_(capacity), dual_(dual) {}
  std::uint8_t* write_;
  std::uint8_t* exec_;
  std::size_t capacity_;
  bool dual_;  // false: write_ == exec_, protection toggled per add()
  std::size_t used_ = 0;
};

}  // namespace vm::engine::jit::x64
