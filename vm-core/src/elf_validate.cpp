#include "elf_validate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "elf_error.hpp"
#include "elf_format.hpp"

namespace vm::core {
namespace {

using elf_format::load_le;

std::string segment_type_name(std::uint32_t type) {
  switch (type) {
#define VM_ELF_SEGMENT_TYPE(value, name) \
  case value:                            \
    return name;
#include "elf_segment_types.inc"
#undef VM_ELF_SEGMENT_TYPE
  }
  return fmt::format("type {:#x}", type);
}

std::string flags_string(std::uint32_t flags) {
  std::string s;
  s += (flags & kPfR) ? 'R' : '-';
  s += (flags & kPfW) ? 'W' : '-';
  s += (flags & kPfX) ? 'X' : '-';
  return s;
}

// "program header 0x2 (PT_LOAD)": how messages point at a segment.
std::string describe(std::size_t index, const ElfProgramHeader& ph) {
  return fmt::format("program header {:#x} ({})", index, segment_type_name(ph.type));
}

// Half-open range [begin, begin+size) as text; `size` must not overflow.
std::string range_string(std::uint64_t begin, std::uint64_t size) {
  return fmt::format("[{:#x}, {:#x})", begin, begin + size);
}

ElfProgramHeader decode_program_header(std::span<const std::uint8_t> entry) {
  namespace f = elf_format;
  return ElfProgramHeader{
      .type = load_le<std::uint32_t>(entry, f::kPType),
      .flags = load_le<std::uint32_t>(entry, f::kPFlags),
      .offset = load_le<std::uint64_t>(entry, f::kPOffset),
      .vaddr = load_le<std::uint64_t>(entry, f::kPVaddr),
      .paddr = load_le<std::uint64_t>(entry, f::kPPaddr),
      .filesz = load_le<std::uint64_t>(entry, f::kPFilesz),
      .memsz = load_le<std::uint64_t>(entry, f::kPMemsz),
      .align = load_le<std::uint64_t>(entry, f::kPAlign),
  };
}

// Every segment's file data must lie inside the file, whatever its type:
// loaders and tools index elf.bytes with these ranges.
Result<void> check_file_range(const ElfFile& elf, std::string_view name, std::size_t index,
                              const ElfProgramHeader& ph) {
  if (ph.filesz == 0) return {};
  const std::uint64_t size = elf.bytes.size();
  if (ph.offset > size || ph.filesz > size - ph.offset) {
    return elf_error(ErrorCode::kMalformed, name,
                     "truncated ELF: {} file range offset {:#x} + filesz {:#x} extends past "
                     "end of file (size {})",
                     describe(index, ph), ph.offset, ph.filesz, size);
  }
  return {};
}

Result<void> check_load_segment(std::string_view name, std::size_t index, const ElfProgramHeader& ph) {
  if (ph.filesz > ph.memsz) {
    return elf_error(ErrorCode::kMalformed, name, "{} has filesz {:#x} larger than memsz {:#x}", describe(index, ph),
                     ph.filesz, ph.memsz);
  }
  if (ph.memsz > UINT64_MAX - ph.vaddr) {
    return elf_error(ErrorCode::kMalformed, name, "{} vaddr {:#x} + memsz {:#x} overflows the 64-bit address space",
                     describe(index, ph), ph.vaddr, ph.memsz);
  }
  if (ph.align > 1) {
    if ((ph.align & (ph.align - 1)) != 0) {
      return elf_error(ErrorCode::kMalformed, name, "{} alignment {:#x} is not a power of two", describe(index, ph),
                       ph.align);
    }
    // gABI: a segment must be mappable, so vaddr and offset agree modulo align.
    if (ph.vaddr % ph.align != ph.offset % ph.align) {
      return elf_error(ErrorCode::kMalformed, name,
                       "{} vaddr {:#x} and offset {:#x} are not congruent modulo alignment "
                       "{:#x}",
                       describe(index, ph), ph.vaddr, ph.offset, ph.align);
    }
  }
  return {};
}

// Byte-granular: two segments may share a page (the loader merges
// permissions) but never an address.
Result<void> check_load_overlaps(const ElfFile& elf, std::string_view name) {
  std::vector<std::size_t> loads;
  for (std::size_t i = 0; i < elf.program_headers.size(); ++i) {
    const auto& ph = elf.program_headers[i];
    if (ph.type == kPtLoad && ph.memsz != 0) loads.push_back(i);
  }
  const auto& phs = elf.program_headers;
  std::sort(loads.begin(), loads.end(), [&](std::size_t a, std::size_t b) { return phs[a].vaddr < phs[b].vaddr; });
  for (std::size_t k = 1; k < loads.size(); ++k) {
    const auto& prev = phs[loads[k - 1]];
    const auto& next = phs[loads[k]];
    if (next.vaddr < prev.vaddr + prev.memsz) {
      std::size_t a = std::min(loads[k - 1], loads[k]);
      std::size_t b = std::max(loads[k - 1], loads[k]);
      return elf_error(ErrorCode::kMalformed, name,
                       "PT_LOAD segments overlap: program header {:#x} {} and program header "
                       "{:#x} {}",
                       a, range_string(phs[a].vaddr, phs[a].memsz), b, range_string(phs[b].vaddr, phs[b].memsz));
    }
  }
  return {};
}

Result<void> check_entry(const ElfFile& elf, std::string_view name) {
  for (std::size_t i = 0; i < elf.program_headers.size(); ++i) {
    const auto& ph = elf.program_headers[i];
    if (ph.type != kPtLoad || elf.entry < ph.vaddr || elf.entry - ph.vaddr >= ph.memsz) continue;
    if (ph.flags & kPfX) return {};
    return elf_error(ErrorCode::kMalformed, name, "entry point {:#x} lies in non-executable {} {} with flags {}",
                     elf.entry, describe(i, ph), range_string(ph.vaddr, ph.memsz), flags_string(ph.flags));
  }
  return elf_error(ErrorCode::kMalformed, name, "entry point {:#x} is outside every PT_LOAD segment", elf.entry);
}

Result<void> read_interpreter(ElfFile& elf, std::string_view name, std::size_t index) {
  const auto& ph = elf.program_headers[index];
  if (elf.interpreter) {
    return elf_error(ErrorCode::kMalformed, name, "second PT_INTERP segment at program header {:#x}", index);
  }
  auto data = elf.file_bytes(ph);  // bounds already checked
  if (data.size() < 2) {
    return elf_error(ErrorCode::kMalformed, name, "{} at offset {:#x} has filesz {:#x}: interpreter path is empty",
                     describe(index, ph), ph.offset, ph.filesz);
  }
  if (data.back() != 0) {
    return elf_error(ErrorCode::kMalformed, name,
                     "{} interpreter path at offset {:#x} (filesz {:#x}) is not NUL-terminated", describe(index, ph),
                     ph.offset, ph.filesz);
  }
  auto nul = std::find(data.begin(), data.end(), std::uint8_t{0});
  if (nul != data.end() - 1) {
    return elf_error(ErrorCode::kMalformed, name,
                     "{} interpreter path at offset {:#x} has an embedded NUL at offset {:#x}", describe(index, ph),
                     ph.offset, ph.offset + (nul - data.begin()));
  }
  elf.interpreter.emplace(data.begin(), data.end() - 1);
  return {};
}

}  // namespace

Result<void> read_program_headers(ElfFile& elf, std::string_view name) {
  const std::uint64_t size = elf.bytes.size();
  const std::uint64_t table_size = std::uint64_t{elf.phnum} * elf_format::kPhdrSize;
  if (elf.phoff > size || table_size > size - elf.phoff) {
    return elf_error(ErrorCode::kMalformed, name,
                     "truncated ELF: program header table at offset {:#x} ({} entries of {} "
                     "bytes) extends past end of file (size {})",
                     elf.phoff, elf.phnum, elf_format::kPhdrSize, size);
  }
  std::span<const std::uint8_t> bytes(elf.bytes);
  elf.program_headers.clear();
  elf.program_headers.reserve(elf.phnum);
  for (std::size_t i = 0; i < elf.phnum; ++i) {
    auto entry = bytes.subspan(elf.phoff + i * elf_format::kPhdrSize, elf_format::kPhdrSize);
    elf.program_headers.push_back(decode_program_header(entry));
  }
  return {};
}

Result<void> validate_segments(ElfFile& elf, std::string_view name) {
  bool has_load = false;
  for (std::size_t i = 0; i < elf.program_headers.size(); ++i) {
    const auto& ph = elf.program_headers[i];
    if (ph.type == kPtNull) continue;
    VM_TRY_VOID(check_file_range(elf, name, i, ph));
    if (ph.type == kPtLoad) {
      VM_TRY_VOID(check_load_segment(name, i, ph));
      has_load = true;
    } else if (ph.type == kPtInterp) {
      VM_TRY_VOID(read_interpreter(elf, name, i));
    }
  }
  if (!has_load) {
    return elf_error(ErrorCode::kMalformed, name, "no PT_LOAD segment among {} program headers at offset {:#x}",
                     elf.phnum, elf.phoff);
  }
  VM_TRY_VOID(check_load_overlaps(elf, name));
  return check_entry(elf, name);
}

}  // namespace vm::core
