// Reads a whole regular file into memory with errors shaped for users
// ("<path>: No such file or directory"). Private to vm-core.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vm/core/result.hpp"

namespace vm::core {

// Missing -> kNotFound, directory or special file -> kInvalidArgument,
// any other OS failure -> kIoError; messages are "<path>: <reason>".
Result<std::vector<std::uint8_t>> read_file_bytes(const std::string& path);

}  // namespace vm::core
