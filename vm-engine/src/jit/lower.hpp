// Region -> one LLVM function `uint32_t f(CpuState*, JitContext*)` with the
// BlockFn contract (jit/runtime.hpp). Guest registers live in SSA values
// inside the region and are written back at each exit, so a trap in the
// middle leaves exactly the state the interpreter would.
#pragma once

#include <string>

#include <llvm/IR/Function.h>
#include <llvm/IR/Module.h>

#include "jit/chain_stubs.hpp"
#include "jit/region.hpp"

namespace vm::engine::jit {

// Exits tail-call `stubs` to go on to other compiled code.
llvm::Function* lower_region(const Region& region, llvm::Module& module, const std::string& name,
                             const ChainStubs& stubs);

}  // namespace vm::engine::jit
