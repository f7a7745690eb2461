// One LLVM ORC LLJIT instance that turns regions of IR blocks into callable
// host code.
// Not thread-safe: each compiler thread owns its own BlockCompiler, and the
// code it produced lives as long as it does. No LLVM types in this header.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "jit/region.hpp"
#include "jit/runtime.hpp"
#include "vm/core/result.hpp"

namespace vm::engine::jit {

struct CompiledBlock {
  BlockFn fn = nullptr;
  std::uint64_t code_size = 0;  // bytes of host code (0 when unknown)
};

class BlockCompiler {
 public:
  // opt_level 0..3 selects both the IR pass pipeline and codegen level.
  static vm::Result<std::unique_ptr<BlockCompiler>> create(unsigned opt_level);
  ~BlockCompiler();
  BlockCompiler(const BlockCompiler&) = delete;
  BlockCompiler& operator=(const BlockCompiler&) = delete;

  // Compiles the regions as one LLVM module (amortises per-module cost),
  // one function each.
  vm::Result<std::vector<CompiledBlock>> compile(const std::vector<const Region*>& regions);

 private:
  struct Impl;
  explicit BlockCompiler(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vm::engine::jit
