// The machine under test: vm's tier-0 interpreter over a user-mode address
// space, driven one guest instruction at a time (blocks of one instruction).
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "arch_state.hpp"
#include "vm/core/result.hpp"
#include "vm/engine/cpu_state.hpp"
#include "vm/engine/interpreter.hpp"
#include "vm/mem/user_address_space.hpp"

namespace vm::lockstep {

class VmMachine {
 public:
  static vm::Result<std::unique_ptr<VmMachine>> create(const MemoryLayout& layout);

  ArchState state() const;
  void set_x(unsigned reg, std::uint64_t value) { cpu_.x(reg) = value; }
  void set_f(unsigned reg, std::uint64_t value) { cpu_.f(reg) = value; }
  void set_fcsr(std::uint32_t value) { cpu_.fcsr = value; }
  // Writes `bytes` at `addr` (code pages are read/exec for the guest).
  void write(std::uint64_t addr, std::span<const std::uint8_t> bytes);
  // The data region's current bytes.
  std::span<const std::uint8_t> data() const;
  // Runs exactly one instruction at `pc`.
  StepOutcome step(std::uint64_t pc);
  // Forgets translated code (the code region is being reused).
  void flush_code() { interpreter_->flush_code_cache(); }

 private:
  VmMachine() = default;
  MemoryLayout layout_;
  std::unique_ptr<mem::UserAddressSpace> memory_;
  std::unique_ptr<engine::Interpreter> interpreter_;
  engine::CpuState cpu_;
};

}  // namespace vm::lockstep
