// The oracle: Unicorn 2 (QEMU's RISC-V 64 target) with the same memory
// layout, single-stepped by running to the address after each instruction.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "arch_state.hpp"
#include "vm/core/result.hpp"

struct uc_struct;

namespace vm::lockstep {

class UnicornMachine {
 public:
  static vm::Result<std::unique_ptr<UnicornMachine>> create(const MemoryLayout& layout);
  ~UnicornMachine();
  UnicornMachine(const UnicornMachine&) = delete;
  UnicornMachine& operator=(const UnicornMachine&) = delete;

  ArchState state() const;
  void set_x(unsigned reg, std::uint64_t value);
  void set_f(unsigned reg, std::uint64_t value);
  void set_fcsr(std::uint32_t value);
  void write(std::uint64_t addr, std::span<const std::uint8_t> bytes);
  std::span<const std::uint8_t> data() const { return {data_, layout_.data_size}; }
  // Runs exactly one instruction of `length` bytes at `pc`. It must end at
  // pc + length or, if `jump_target` is not 0, there.
  StepOutcome step(std::uint64_t pc, unsigned length, std::uint64_t jump_target = 0);
  // Drops translated blocks (the code region is being reused).
  void flush_code();

 private:
  UnicornMachine() = default;
  static void on_interrupt(uc_struct* uc, std::uint32_t intno, void* self);

  MemoryLayout layout_;
  uc_struct* uc_ = nullptr;
  std::uint8_t* data_ = nullptr;  // host memory behind the data region
  bool trapped_ = false;
  std::uint32_t trap_cause_ = 0;
};

}  // namespace vm::lockstep
