// Compares two machine states after one lockstep instruction and, when they
// differ, writes the report a developer needs to reproduce and judge it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "arch_state.hpp"

namespace vm::lockstep {

struct StepRecord {
  std::uint64_t step = 0;  // instructions executed before this one
  std::uint64_t pc = 0;
  std::uint32_t raw = 0;
  unsigned length = 4;
  ArchState before;  // registers the instruction read (after presets)
  StepOutcome vm_outcome, oracle_outcome;
  ArchState vm, oracle;
  std::span<const std::uint8_t> vm_data, oracle_data;
  std::uint64_t data_base = 0;
};

// Nothing when the machines agree; otherwise the instruction (hex and
// disassembly), pc, step, its inputs and every differing register and byte.
std::optional<std::string> compare_step(const StepRecord& record);

}  // namespace vm::lockstep
