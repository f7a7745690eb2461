// Launcher configuration: the TOML file format, its documented defaults and
// strict validation (unknown keys and bad values are errors naming key and line).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vm/core/export.hpp"
#include "vm/core/result.hpp"

namespace vm::core {

// Defaults here are the documented defaults; the key table in
// src/config_schema.cpp documents each key and its allowed values.
struct EngineConfig {
  std::string engine = "tiered";    // "interp", "jit", "tiered" or "baseline"
  unsigned max_block_insns = 64;    // 1..255
  unsigned jit_threshold = 1000;    // block executions before tiered LLVM-compiles it, 1..1000000
  unsigned baseline_threshold = 2;  // executions before tiered baseline-compiles a block, 0 (off)..1000000
  unsigned jit_opt_level = 1;       // LLVM optimization level, 0..3
  unsigned jit_threads = 1;         // background compiler threads, 1..16
};

struct UserConfig {
  std::uint64_t stack_size = 8u << 20;  // bytes, 64 KiB .. 1 GiB
  unsigned va_bits = 38;                // 32..47
  std::string seed;                     // decimal seed for the guest's randomness; empty = host entropy
};

struct LogConfig {
  std::string level = "warn";  // trace, debug, info, warn, error, off
};

// The runtime performance monitor (vm/core/perf/monitor.hpp); `vm run`
// options of the same names override these.
struct PerfConfig {
  std::string stats_file;             // write stats JSON here on exit; empty = no
  std::string trace_file;             // write Chrome Trace JSON here on exit; empty = no
  unsigned sample_every = 0;          // sample 1 in N events for the trace; 0 = off
  unsigned ring_capacity = 65536;     // samples buffered per thread, 2..16 Mi
  unsigned monitor_interval = 0;      // seconds between live tables on stderr; 0 = off
  std::string latency_thresholds_ns;  // "syscall=50000,trap=20000"
  std::string rate_thresholds_per_s;  // "code_cache_flush=10"
};

struct Config {
  EngineConfig engine;
  UserConfig user;
  LogConfig log;
  PerfConfig perf;
};

// Parses TOML text; keys left out keep their defaults. Errors (kMalformed
// for syntax, kInvalidArgument for unknown keys and bad values) read
// "<source_name>:<line>:<column>: <dotted.key>: <problem>", one line per problem.
VM_CORE_API vm::Result<Config> parse_config(std::string_view toml_text, std::string_view source_name);

// Reads and parses a file; a missing file is kNotFound naming the path.
VM_CORE_API vm::Result<Config> load_config(const std::string& path);

// The documented defaults as a commented TOML file that parses back to Config{}.
VM_CORE_API std::string default_config_toml();

}  // namespace vm::core
