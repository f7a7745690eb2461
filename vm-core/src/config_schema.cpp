#include "config_schema.hpp"

#include <fmt/format.h>

#include <array>

namespace vm::core {
namespace {

constexpr std::string_view kEngines[] = {"interp", "jit", "tiered", "baseline"};
constexpr std::string_view kLogLevels[] = {"trace", "debug", "info", "warn", "error", "off"};

// The schema. To add a key: add a field (with its default) to the struct in
// config.hpp and one row here; parsing, errors and default_config_toml follow.
const ConfigKey kKeys[] = {
    {.table = "engine",
     .name = "engine",
     .field = [](Config& c) -> ConfigField { return &c.engine.engine; },
     .choices = kEngines,
     .doc = "Execution engine: interp, jit (LLVM-compile every block), tiered (interpret, baseline-compile warm "
            "blocks, LLVM-compile hot code) or baseline (baseline-compile every block)."},
    {.table = "engine",
     .name = "max_block_insns",
     .field = [](Config& c) -> ConfigField { return &c.engine.max_block_insns; },
     .min = 1,
     .max = 255,
     .doc = "Maximum guest instructions decoded into one translated block."},
    {.table = "engine",
     .name = "jit_threshold",
     .field = [](Config& c) -> ConfigField { return &c.engine.jit_threshold; },
     .min = 1,
     .max = 1000000,
     .doc = "Executions of a block before the tiered engine compiles it with LLVM."},
    {.table = "engine",
     .name = "baseline_threshold",
     .field = [](Config& c) -> ConfigField { return &c.engine.baseline_threshold; },
     .min = 0,
     .max = 1000000,
     .doc = "Executions of a block before the tiered engine compiles it with the baseline tier (x86-64 hosts); "
            "0 turns the baseline tier off."},
    {.table = "engine",
     .name = "jit_opt_level",
     .field = [](Config& c) -> ConfigField { return &c.engine.jit_opt_level; },
     .min = 0,
     .max = 3,
     .doc = "LLVM optimization level for compiled blocks."},
    {.table = "engine",
     .name = "jit_threads",
     .field = [](Config& c) -> ConfigField { return &c.engine.jit_threads; },
     .min = 1,
     .max = 16,
     .doc = "Background compiler threads of the tiered engine."},
    {.table = "user",
     .name = "stack_size",
     .field = [](Config& c) -> ConfigField { return &c.user.stack_size; },
     .min = 64u << 10,
     .max = 1u << 30,
     .unit = "bytes",
     .doc = "Guest main-thread stack size in bytes (user mode)."},
    {.table = "user",
     .name = "va_bits",
     .field = [](Config& c) -> ConfigField { return &c.user.va_bits; },
     .min = 32,
     .max = 47,
     .doc = "Width of the guest virtual address space in bits (user mode)."},
    {.table = "user",
     .name = "seed",
     .field = [](Config& c) -> ConfigField { return &c.user.seed; },
     .doc = "Seed (a decimal number, as a string) for the guest's getrandom and AT_RANDOM bytes, making runs "
            "repeatable; empty: the host's entropy (vm run --seed overrides it)."},
    {.table = "log",
     .name = "level",
     .field = [](Config& c) -> ConfigField { return &c.log.level; },
     .choices = kLogLevels,
     .doc = "Least severe log message that is printed."},
    {.table = "perf",
     .name = "stats_file",
     .field = [](Config& c) -> ConfigField { return &c.perf.stats_file; },
     .doc = "Write the monitor's statistics as JSON to this file on exit (empty: monitor off)."},
    {.table = "perf",
     .name = "trace_file",
     .field = [](Config& c) -> ConfigField { return &c.perf.trace_file; },
     .doc = "Write sampled events as Chrome Trace Event JSON (ui.perfetto.dev) to this file on exit."},
    {.table = "perf",
     .name = "sample_every",
     .field = [](Config& c) -> ConfigField { return &c.perf.sample_every; },
     .min = 0,
     .max = 1000000000,
     .doc = "Sample 1 in N events into the trace (0: no sampling; 1000 if a trace_file is set)."},
    {.table = "perf",
     .name = "ring_capacity",
     .field = [](Config& c) -> ConfigField { return &c.perf.ring_capacity; },
     .min = 2,
     .max = 1u << 24,
     .doc = "Samples buffered per thread between drains; more are counted as overruns."},
    {.table = "perf",
     .name = "monitor_interval",
     .field = [](Config& c) -> ConfigField { return &c.perf.monitor_interval; },
     .min = 0,
     .max = 3600,
     .doc = "Print a live table of events on stderr every N seconds (0: off)."},
    {.table = "perf",
     .name = "latency_thresholds_ns",
     .field = [](Config& c) -> ConfigField { return &c.perf.latency_thresholds_ns; },
     .doc = "Alert when one event takes longer, e.g. \"syscall=50000,trap=20000\" (nanoseconds)."},
    {.table = "perf",
     .name = "rate_thresholds_per_s",
     .field = [](Config& c) -> ConfigField { return &c.perf.rate_thresholds_per_s; },
     .doc = "Alert when an event happens more often, e.g. \"code_cache_flush=10\" (per second)."},
};

struct TableDoc {
  std::string_view table, doc;
};
constexpr TableDoc kTableDocs[] = {
    {"engine", "How guest code is executed."},
    {"user", "Linux user-mode emulation (running a guest program directly)."},
    {"log", "Diagnostic output."},
    {"perf", "Runtime performance monitor (vm run --perf-stats/--perf-trace/--monitor)."},
};

}  // namespace

std::string human_size(std::uint64_t bytes) {
  constexpr std::array<std::string_view, 4> kUnits = {"bytes", "KiB", "MiB", "GiB"};
  std::size_t unit = 0;
  while (unit + 1 < kUnits.size() && bytes >= 1024 && bytes % 1024 == 0) {
    bytes /= 1024;
    ++unit;
  }
  return fmt::format("{} {}", bytes, kUnits[unit]);
}

std::span<const ConfigKey> config_keys() { return kKeys; }

std::string_view config_table_doc(std::string_view table) {
  for (const auto& entry : kTableDocs) {
    if (entry.table == table) return entry.doc;
  }
  return {};
}

std::string dotted_name(const ConfigKey& key) { return fmt::format("{}.{}", key.table, key.name); }

bool is_string_key(const ConfigKey& key) {
  Config scratch;
  return std::holds_alternative<std::string*>(key.field(scratch));
}

std::string allowed_values(const ConfigKey& key) {
  if (is_string_key(key) && key.choices.empty()) return "any string";
  if (!key.choices.empty()) return fmt::format("\"{}\"", fmt::join(key.choices, "\", \""));
  std::string range = fmt::format("{}..{}", key.min, key.max);
  if (key.unit == "bytes") range += fmt::format(" ({}..{})", human_size(key.min), human_size(key.max));
  return range;
}

}  // namespace vm::core
