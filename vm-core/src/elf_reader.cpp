// ELF64 header checks and file reading; segment checks are in elf_validate.cpp.
#include <algorithm>

#include "elf_error.hpp"
#include "elf_format.hpp"
#include "elf_validate.hpp"
#include "file_read.hpp"
#include "vm/core/elf.hpp"

namespace vm::core {
namespace {

namespace f = elf_format;
using f::load_le;

constexpr std::uint8_t kMagic[4] = {0x7f, 'E', 'L', 'F'};

std::string_view elf_type_name(std::uint16_t type) {
  switch (type) {
    case 0:
      return "no file type (ET_NONE)";
    case 1:
      return "relocatable object (ET_REL)";
    case 2:
      return "executable (ET_EXEC)";
    case 3:
      return "shared object (ET_DYN)";
    case 4:
      return "core dump (ET_CORE)";
    default:
      return "unknown type";
  }
}

Result<void> check_ident(std::span<const std::uint8_t> b, std::string_view name) {
  std::size_t prefix = std::min(b.size(), sizeof kMagic);
  if (!std::equal(b.begin(), b.begin() + prefix, kMagic)) {
    return elf_error(ErrorCode::kMalformed, name, "not an ELF file (bad magic at offset 0x0)");
  }
  if (b.size() < f::kEhdrSize) {
    if (b.empty()) return elf_error(ErrorCode::kMalformed, name, "truncated ELF: file is empty");
    return elf_error(ErrorCode::kMalformed, name, "truncated ELF: file size {} is smaller than the {}-byte ELF header",
                     b.size(), f::kEhdrSize);
  }
  std::uint8_t cls = b[f::kEiClass];
  if (cls == f::kClass32) {
    return elf_error(ErrorCode::kUnsupported, name,
                     "32-bit ELF (ELFCLASS32) is not supported, expected 64-bit (ELFCLASS64)");
  }
  if (cls != f::kClass64) {
    return elf_error(ErrorCode::kMalformed, name, "invalid ELF class {} at offset {:#x}", cls, f::kEiClass);
  }
  std::uint8_t data = b[f::kEiData];
  if (data == f::kData2Msb) {
    return elf_error(ErrorCode::kUnsupported, name,
                     "big-endian ELF (ELFDATA2MSB) is not supported, expected little-endian");
  }
  if (data != f::kData2Lsb) {
    return elf_error(ErrorCode::kMalformed, name, "invalid ELF data encoding {} at offset {:#x}", data, f::kEiData);
  }
  if (b[f::kEiVersion] != f::kEvCurrent) {
    return elf_error(ErrorCode::kMalformed, name, "invalid ELF ident version {} at offset {:#x}", b[f::kEiVersion],
                     f::kEiVersion);
  }
  std::uint8_t osabi = b[f::kEiOsabi];
  if (osabi != f::kOsabiSysv && osabi != f::kOsabiGnu) {
    return elf_error(ErrorCode::kUnsupported, name,
                     "OS ABI {} at offset {:#x} is not supported, expected System V (0) or "
                     "GNU/Linux (3)",
                     osabi, f::kEiOsabi);
  }
  return {};
}

Result<void> check_header_fields(const ElfFile& elf, std::span<const std::uint8_t> b, std::string_view name,
                                 const ElfReadOptions& options) {
  std::uint32_t version = load_le<std::uint32_t>(b, f::kEVersion);
  if (version != f::kEvCurrent) {
    return elf_error(ErrorCode::kMalformed, name, "invalid e_version {} at offset {:#x}", version, f::kEVersion);
  }
  if (elf.type != kEtExec && elf.type != kEtDyn) {
    ErrorCode code = (elf.type == 1 || elf.type == 4) ? ErrorCode::kUnsupported : ErrorCode::kMalformed;
    return elf_error(code, name,
                     "cannot run a {} (e_type {}), expected an executable (ET_EXEC) or "
                     "position-independent executable (ET_DYN)",
                     elf_type_name(elf.type), elf.type);
  }
  if (options.required_machine && elf.machine != *options.required_machine) {
    return elf_error(ErrorCode::kUnsupported, name, "wrong architecture: {} (e_machine {}), expected {}",
                     elf_machine_name(elf.machine), elf.machine, elf_machine_name(*options.required_machine));
  }
  if (elf.phnum == f::kPnXnum) {
    return elf_error(ErrorCode::kUnsupported, name,
                     "e_phnum is PN_XNUM ({:#x}): extended program header counts are not "
                     "supported",
                     f::kPnXnum);
  }
  if (elf.phentsize != f::kPhdrSize) {
    return elf_error(ErrorCode::kMalformed, name, "e_phentsize is {} at offset {:#x}, expected {} for ELF64",
                     elf.phentsize, f::kEPhentsize, f::kPhdrSize);
  }
  return {};
}

}  // namespace

std::string_view elf_machine_name(std::uint16_t machine) {
  switch (machine) {
#define VM_ELF_MACHINE(value, name) \
  case value:                       \
    return name;
#include "elf_machines.inc"
#undef VM_ELF_MACHINE
  }
  return "unknown";
}

Result<ElfFile> parse_elf(std::vector<std::uint8_t> bytes, std::string_view name, const ElfReadOptions& options) {
  VM_TRY_VOID(check_ident(bytes, name));
  ElfFile elf;
  std::span<const std::uint8_t> b(bytes);
  elf.type = load_le<std::uint16_t>(b, f::kEType);
  elf.machine = load_le<std::uint16_t>(b, f::kEMachine);
  elf.entry = load_le<std::uint64_t>(b, f::kEEntry);
  elf.phoff = load_le<std::uint64_t>(b, f::kEPhoff);
  elf.phentsize = load_le<std::uint16_t>(b, f::kEPhentsize);
  elf.phnum = load_le<std::uint16_t>(b, f::kEPhnum);
  VM_TRY_VOID(check_header_fields(elf, b, name, options));
  elf.bytes = std::move(bytes);
  VM_TRY_VOID(read_program_headers(elf, name));
  VM_TRY_VOID(validate_segments(elf, name));
  return elf;
}

Result<ElfFile> read_elf_file(const std::string& path, const ElfReadOptions& options) {
  VM_TRY_ASSIGN(auto bytes, read_file_bytes(path));
  return parse_elf(std::move(bytes), path, options);
}

}  // namespace vm::core
