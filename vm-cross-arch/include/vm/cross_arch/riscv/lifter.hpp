// RISC-V (RV64GC) frontend: decodes guest instructions starting at a pc and
// lifts them into an ir::Block, ending at the first control transfer, system
// instruction, illegal encoding, fetch fault or the length cap.
#pragma once

#include <cstdint>

#include "vm/cross_arch/export.hpp"
#include "vm/cross_arch/frontend.hpp"

namespace vm::cross_arch::riscv {

VM_CROSS_ARCH_API ir::Block lift_block(std::uint64_t pc, InstructionFetcher& fetch,
                                       const LiftOptions& options = {});

}  // namespace vm::cross_arch::riscv
