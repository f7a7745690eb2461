// The engine's view of a compiler tier: something that turns regions into
// host code. The LLVM tier implements it inside a separately loaded module
// (jit/llvm_tier.hpp), so the engine itself never links LLVM.
#pragma once

#include <vector>

#include "jit/block_compiler.hpp"
#include "jit/region.hpp"
#include "vm/core/result.hpp"

namespace vm::engine::jit {

// Not thread-safe (one per compiler thread); the code it produced lives as
// long as it does.
class RegionCompiler {
 public:
  virtual ~RegionCompiler() = default;
  // Compiles the regions together; one CompiledBlock per region, in order.
  virtual vm::Result<std::vector<CompiledBlock>> compile(const std::vector<const Region*>& regions) = 0;
};

}  // namespace vm::engine::jit
