// The configuration schema: one row per TOML key, read by the parser (types,
// ranges, allowed values) and the default-file renderer (docs, defaults).
// Private to vm-core.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "vm/core/config.hpp"

namespace vm::core {

// Where a key's value lives in Config; the pointee type is the key's type.
using ConfigField = std::variant<std::string*, unsigned*, std::uint64_t*>;

struct ConfigKey {
  std::string_view table;                          // "engine" for [engine]
  std::string_view name;                           // "max_block_insns"
  ConfigField (*field)(Config&);                   // the default is this field of Config{}
  std::uint64_t min = 0, max = 0;                  // inclusive range of integer keys
  std::span<const std::string_view> choices = {};  // allowed strings; empty = any
  std::string_view unit = {};                      // "bytes" adds KiB/MiB/GiB to docs
  std::string_view doc;                            // one line
};

// Every key, grouped by table, in the order the default file lists them.
std::span<const ConfigKey> config_keys();

// One line per table for the rendered file's [table] headers.
std::string_view config_table_doc(std::string_view table);

// "engine.max_block_insns"
std::string dotted_name(const ConfigKey& key);

// True for keys whose value is a TOML string.
bool is_string_key(const ConfigKey& key);

// 65536 -> "64 KiB"; sizes that are not a whole unit stay in bytes.
std::string human_size(std::uint64_t bytes);

// "1..255", or "65536..1073741824 (64 KiB..1 GiB)" for byte sizes, or
// "\"interp\", \"jit\", \"tiered\"".
std::string allowed_values(const ConfigKey& key);

}  // namespace vm::core
