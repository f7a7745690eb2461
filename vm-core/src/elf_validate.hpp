// Program-header decoding and segment validation for the ELF reader: every
// check a loader relies on (bounds, overlaps, entry point, interpreter).
// Private to vm-core.
#pragma once

#include <string_view>

#include "vm/core/elf.hpp"

namespace vm::core {

// Decodes elf.program_headers from elf.bytes using elf.phoff/phentsize/phnum,
// after checking that the table lies inside the file.
Result<void> read_program_headers(ElfFile& elf, std::string_view name);

// Checks the decoded segments and fills elf.interpreter.
Result<void> validate_segments(ElfFile& elf, std::string_view name);

}  // namespace vm::core
