// Builds ELF reader errors so that every message starts with the file name.
// Private to vm-core.
#pragma once

#include <fmt/format.h>

#include <string_view>
#include <utility>

#include "vm/core/result.hpp"

namespace vm::core {

template <typename... Args>
Unexpected<Error> elf_error(ErrorCode code, std::string_view file_name, fmt::format_string<Args...> format,
                            Args&&... args) {
  return make_error(code, fmt::format("{}: {}", file_name, fmt::format(format, std::forward<Args>(args)...)));
}

}  // namespace vm::core
