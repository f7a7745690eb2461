// `vm run`: the qemu-riscv64-style front end that loads a static RISC-V
// Linux program and runs it, with tracing and statistics options.
#pragma once

#include <string>
#include <vector>

#include "perf_command.hpp"

namespace vm::tools {

struct RunArgs {
  std::vector<std::string> guest;      // PROGRAM ARGS...
  std::vector<std::string> set_env;    // -E VAR=value
  std::vector<std::string> unset_env;  // -U VAR
  std::vector<std::string> debug;      // -d items (in_asm)
  std::string engine;                  // empty: from config
  std::string config_path;
  bool strace = false;
  bool trace = false;
  bool stats = false;
  PerfRunArgs perf;  // --perf-stats, --perf-trace, --perf-sample, --monitor
  // JIT tuning (jit / tiered engines); negative: the engine's default.
  int jit_threshold = -1;
  int baseline_threshold = -1;
  int jit_opt = -1;
  int jit_threads = -1;
  bool perf_map = false;
  std::string seed;  // --seed N (decimal): repeatable guest randomness; empty: [user] seed
};

// Returns the process exit status (the guest's, or 1/127 on load errors).
int run_command(const RunArgs& args);

}  // namespace vm::tools
