// A guest ISA frontend turns guest code bytes at a pc into one ir::Block.
// Engines (interpreter, JIT) depend only on this interface, so a second ISA
// would plug in here without touching them.
#pragma once

#include <cstdint>

#include "vm/cross_arch/export.hpp"
#include "vm/cross_arch/ir/block.hpp"

namespace vm::cross_arch {

// Supplies instruction bytes. Code is fetched in 16-bit parcels so that a
// 32-bit instruction straddling into an unmapped page faults at the exact
// address of its second half, as the hardware reports it.
class InstructionFetcher {
 public:
  virtual ~InstructionFetcher() = default;
  // Returns false if `addr` is not executable (the block then ends in a
  // fetch-fault Trap op at that instruction).
  virtual bool fetch16(std::uint64_t addr, std::uint16_t& out) noexcept = 0;
};

struct LiftOptions {
  unsigned max_insns = 64;  // block length cap (must be <= 255: Op::insn is 8 bits)
};

// RISC-V exception causes used in Trap ops (privileged spec, mcause values).
enum class TrapCause : std::uint8_t {
  kInsnMisaligned = 0,
  kInsnAccessFault = 1,
  kIllegalInsn = 2,
  kBreakpoint = 3,
  kLoadMisaligned = 4,
  kLoadAccessFault = 5,
  kStoreMisaligned = 6,
  kStoreAccessFault = 7,
  kEcallU = 8,
  kInsnPageFault = 12,
  kLoadPageFault = 13,
  kStorePageFault = 15,
};

}  // namespace vm::cross_arch
