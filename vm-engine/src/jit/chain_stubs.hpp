// The two routines through which every region exit goes on to the next
// compiled code: LLVM IR built once per compiler and compiled with the
// regions' code generator, because only LLVM's musttail guarantees the
// tail call (a chain of regions must not grow the host stack).
#pragma once

#include <cstdint>

#include <llvm/IR/Module.h>

namespace vm::engine::jit {

inline constexpr const char* kChainDirectName = "vm_chain_direct";
inline constexpr const char* kChainIndirectName = "vm_chain_indirect";

// Their addresses, for the lowering's tail calls.
struct ChainStubs {
  std::uintptr_t direct = 0;
  std::uintptr_t indirect = 0;
};

// Adds both to `module`. Both have the BlockFn signature and find cpu.pc,
// cpu.instret and the registers stored by the exit:
//  - vm_chain_direct returns kExitNext once the budget is spent
//    (JitContext::stop_at) or when JitContext::next_entry (set by the exit)
//    has no code yet, and otherwise tail-calls its code;
//  - vm_chain_indirect does the same for the slot of cpu.pc in the
//    dispatcher's jump cache, which must hold that pc.
void add_chain_stubs(llvm::Module& module);

}  // namespace vm::engine::jit
