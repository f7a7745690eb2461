// Parsing JSON text with errors that name the file, line and column, for
// every reader in vm-bench.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "vm/core/result.hpp"

namespace vm::bench {

vm::Result<nlohmann::json> parse_json(const std::string& text, const std::string& source);
vm::Result<std::string> read_text_file(const std::string& path);

}  // namespace vm::bench
