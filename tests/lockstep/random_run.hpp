// The random lockstep run: a stream of random valid instructions executed in
// vm and Unicorn, registers re-randomised every few instructions so values
// stay interesting, stopping at the first difference.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vm/core/result.hpp"

namespace vm::lockstep {

struct RandomRunOptions {
  std::uint64_t seed = 1;
  std::uint64_t count = 100000;     // instructions to execute
  unsigned rerandomize_every = 64;  // instructions between fresh register files
};

struct RandomRunResult {
  std::uint64_t executed = 0;
  std::uint64_t trapped = 0;     // executed instructions that trapped in both machines
  std::uint64_t compressed = 0;  // executed 16-bit instructions
  std::uint64_t branches_taken = 0, branches_not_taken = 0;
  // Retired 16-bit instructions by quadrant * 8 + funct3 (bits 15:13).
  std::array<std::uint64_t, 24> compressed_by_group{};
  std::vector<std::uint64_t> retired_by_insn;  // indexed by riscv::InsnId
  std::optional<std::string> mismatch;         // the first difference, if any
};

vm::Result<RandomRunResult> run_random(const RandomRunOptions& options);

}  // namespace vm::lockstep
