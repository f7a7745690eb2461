#include "config_schema.hpp"

#include <fmt/format.h>

#include <array>

namespace vm::core {
namespace {

constexpr std::string_view kEngines[] = {"interp", "jit", "tiered"};
constexpr std::string_view kLogLevels[] = {"trace", "debug", "info", "warn", "error", "off"};

// The schema. To add a key: add a field (with its default) to the struct in
// config.hpp and one row here; parsing, errors and default_config_toml follow.
const ConfigKey kKeys[] = {
    {.table = "engine",
     .name = "engine",
     .field = [](Config& c) -> ConfigField { return &c.engine.engine; },
     .choices = kEngines,
     .doc = "Execution engine (jit and tiered are refused until they are built)."},
    {.table = "engine",
     .name = "max_block_insns",
     .field = [](Config& c) -> ConfigField { return &c.engine.max_block_insns; },
     .min = 1,
     .max = 255,
     .doc = "Maximum guest instructions decoded into one translated block."},
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
    {.table = "log",
     .name = "level",
     .field = [](Config& c) -> ConfigField { return &c.log.level; },
     .choices = kLogLevels,
     .doc = "Least severe log message that is printed."},
};

struct TableDoc {
  std::string_view table, doc;
};
constexpr TableDoc kTableDocs[] = {
    {"engine", "How guest code is executed."},
    {"user", "Linux user-mode emulation (running a guest program directly)."},
    {"log", "Diagnostic output."},
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
