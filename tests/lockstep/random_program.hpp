// Random valid RV64GC instructions for lockstep testing, one at a time, each
// with the register values both machines must be given first so that it
// stays inside the single-step model: memory operands point into the data
// region, jumps and branches land just past the next slot, single-precision
// operands are NaN-boxed, and LR/SC pairs have one well-defined outcome.
#pragma once

#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include "arch_state.hpp"
#include "vm/cross_arch/riscv/decoder.hpp"

namespace vm::lockstep {

struct RegPreset {
  bool fp = false;  // f register, else x register
  unsigned reg = 0;
  std::uint64_t value = 0;
};

struct PlannedInsn {
  std::uint32_t raw = 0;  // a 16-bit instruction sits in the low half
  unsigned length = 4;
  std::vector<RegPreset> presets;  // applied to both machines, in order
  // Where a jump or taken branch goes (pc + kJumpDistance); 0 for others.
  std::uint64_t jump_target = 0;
};

// Jumps and branches skip the next 4-byte slot: a taken branch and a not
// taken one then end at different pcs, so the condition is checked too.
inline constexpr std::uint64_t kJumpDistance = 8;

class RandomProgram {
 public:
  RandomProgram(std::uint64_t seed, const MemoryLayout& layout);

  // The next instruction to run at `pc`, given the (agreed) state before it.
  PlannedInsn next(std::uint64_t pc, const ArchState& before);

  // Fresh interesting contents for x1..x31, f0..f31 and fcsr (pc unchanged).
  void randomize_registers(ArchState& state);
  void randomize_bytes(std::vector<std::uint8_t>& bytes);
  // True between an LR and the SC that ends its reservation: memory must not
  // change meanwhile, since QEMU's SC also compares the reserved value.
  bool reservation_live() const { return reservation_size_ != 0; }

 private:
  std::uint32_t pick_encoding();
  bool shape(std::uint64_t pc, const ArchState& before, PlannedInsn& insn);
  bool shape_memory(const cross_arch::riscv::DecodedInsn& d, PlannedInsn& insn);
  void box_single_sources(const cross_arch::riscv::DecodedInsn& d, const ArchState& before, PlannedInsn& insn);
  std::uint64_t data_address(unsigned size, bool aligned);
  std::uint64_t random_x();
  std::uint64_t random_f();
  std::uint32_t random_single();
  std::uint64_t random_double();
  bool chance(unsigned percent) { return rng_() % 100 < percent; }

  MemoryLayout layout_;
  std::mt19937_64 rng_;
  std::vector<cross_arch::riscv::InsnId> candidates_;  // table rows that may be generated
  std::uint64_t reservation_addr_ = 0;
  unsigned reservation_size_ = 0;
};

}  // namespace vm::lockstep
