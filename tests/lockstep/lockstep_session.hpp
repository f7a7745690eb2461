// Runs instructions in vm and in Unicorn side by side and compares the whole
// user-visible state (x1..x31, f0..f31, fcsr, pc, data region) after each.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "arch_state.hpp"
#include "random_program.hpp"
#include "unicorn_machine.hpp"
#include "vm/core/result.hpp"
#include "vm/cross_arch/riscv/decoder.hpp"
#include "vm_machine.hpp"

namespace vm::lockstep {

class LockstepSession {
 public:
  static vm::Result<std::unique_ptr<LockstepSession>> create(const MemoryLayout& layout = {});

  // Gives both machines the same registers and fcsr (state.pc is ignored).
  void set_registers(const ArchState& state);
  // Fills the whole data region of both machines.
  void set_data(std::span<const std::uint8_t> bytes);

  // Applies the presets, runs the instruction at the current pc in both
  // machines and compares. Returns a report of every difference, or nothing.
  std::optional<std::string> execute(const PlannedInsn& insn);

  ArchState vm_state() const { return vm_->state(); }
  ArchState unicorn_state() const { return unicorn_->state(); }
  std::span<const std::uint8_t> vm_data() const { return vm_->data(); }
  std::uint64_t pc() const { return pc_; }
  std::uint64_t steps() const { return steps_; }
  const MemoryLayout& layout() const { return layout_; }
  // Outcome of the last execute() in vm (trapped, cause).
  const StepOutcome& last_outcome() const { return last_outcome_; }
  // Whether the last execute() jumped (a jump, or a taken branch).
  bool last_jumped() const { return last_jumped_; }

 private:
  LockstepSession() = default;
  std::optional<std::uint32_t> amo_min_max_w_operand(std::uint32_t raw, const ArchState& before) const;
  void correct_oracle(const ArchState& before, std::uint32_t raw, std::optional<std::uint32_t> amo_old,
                      ArchState& oracle);
  void correct_amo_min_max_w(const cross_arch::riscv::DecodedInsn& d, const ArchState& before, std::uint32_t old);

  MemoryLayout layout_;
  std::unique_ptr<VmMachine> vm_;
  std::unique_ptr<UnicornMachine> unicorn_;
  std::uint64_t pc_ = 0;
  std::uint64_t steps_ = 0;
  StepOutcome last_outcome_;
  bool last_jumped_ = false;
};

}  // namespace vm::lockstep
