// ELF64 reader: parses and validates an executable (ET_EXEC or ET_DYN) so that
// loaders can map its PT_LOAD segments without re-checking bounds themselves.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vm/core/export.hpp"
#include "vm/core/result.hpp"

namespace vm::core {

// Segment types and flags a loader needs (values from the ELF gABI).
inline constexpr std::uint32_t kPtNull = 0;
inline constexpr std::uint32_t kPtLoad = 1;
inline constexpr std::uint32_t kPtDynamic = 2;
inline constexpr std::uint32_t kPtInterp = 3;
inline constexpr std::uint32_t kPtNote = 4;
inline constexpr std::uint32_t kPtPhdr = 6;
inline constexpr std::uint32_t kPtTls = 7;
inline constexpr std::uint32_t kPtGnuStack = 0x6474e551;
inline constexpr std::uint32_t kPfX = 1;
inline constexpr std::uint32_t kPfW = 2;
inline constexpr std::uint32_t kPfR = 4;

inline constexpr std::uint16_t kEtExec = 2;
inline constexpr std::uint16_t kEtDyn = 3;

struct ElfProgramHeader {
  std::uint32_t type, flags;
  std::uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

inline constexpr std::uint16_t kEmRiscv = 243;

struct ElfFile {
  std::uint16_t type = 0;  // ET_EXEC = 2, ET_DYN = 3
  std::uint16_t machine = 0;
  std::uint64_t entry = 0;
  std::uint64_t phoff = 0;
  std::uint16_t phentsize = 0, phnum = 0;
  std::vector<ElfProgramHeader> program_headers;  // all of them, in file order
  std::optional<std::string> interpreter;         // PT_INTERP contents if present
  std::vector<std::uint8_t> bytes;                // the whole file

  bool is_pie() const { return type == kEtDyn; }
  // The bytes of a segment present in the file: [offset, offset+filesz).
  // parse_elf has checked PT_LOAD/PT_INTERP ranges; other types are clamped
  // to the file so the call is always safe.
  std::span<const std::uint8_t> file_bytes(const ElfProgramHeader& ph) const {
    if (ph.offset >= bytes.size()) return {};
    std::uint64_t avail = bytes.size() - ph.offset;
    return {bytes.data() + ph.offset, static_cast<std::size_t>(ph.filesz < avail ? ph.filesz : avail)};
  }
};

struct ElfReadOptions {
  // nullopt accepts any machine (tools that only inspect files).
  std::optional<std::uint16_t> required_machine = kEmRiscv;
};

// Parses an in-memory image; `name` prefixes every error message.
VM_CORE_API vm::Result<ElfFile> parse_elf(std::vector<std::uint8_t> bytes, std::string_view name,
                                          const ElfReadOptions& options = {});
// Reads `path` and parses it (errors name `path`).
VM_CORE_API vm::Result<ElfFile> read_elf_file(const std::string& path, const ElfReadOptions& options = {});
// "x86-64", "RISC-V", "AArch64", ... or "unknown".
VM_CORE_API std::string_view elf_machine_name(std::uint16_t machine);

}  // namespace vm::core
