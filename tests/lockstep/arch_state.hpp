// What the lockstep harness compares between vm and Unicorn after each
// instruction, and the guest memory layout both machines share.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace vm::lockstep {

// The architectural state visible to a user-mode RV64GC program (x0 is
// always zero and kept only so register numbers index directly).
struct ArchState {
  std::array<std::uint64_t, 32> x{};
  std::array<std::uint64_t, 32> f{};  // raw 64-bit contents (singles NaN-boxed)
  std::uint64_t pc = 0;
  std::uint32_t fcsr = 0;  // fflags in bits 0..4, frm in bits 5..7
};

// Result of executing one instruction.
struct StepOutcome {
  bool trapped = false;
  std::uint64_t cause = 0;  // RISC-V exception code when trapped
  std::string detail;       // oracle-specific text (e.g. a Unicorn error) for reports
};

// The same addresses in both machines: instructions are written one at a
// time into the code region, and memory operands always point into the data
// region (two pages, so misaligned accesses can straddle a page boundary).
struct MemoryLayout {
  std::uint64_t code_base = 0x10000;
  std::uint64_t code_size = 0x10000;
  std::uint64_t data_base = 0x200000;
  std::uint64_t data_size = 0x2000;
};

}  // namespace vm::lockstep
