#include "loader.hpp"

#include <fcntl.h>

#include <fmt/format.h>

#include <algorithm>
#include <span>
#include <vector>

#include "guest_abi.hpp"
#include "mappings.hpp"

namespace vm::engine::linux_user {
namespace {

using core::ElfProgramHeader;

std::uint64_t segment_prot(const ElfProgramHeader& ph) {
  std::uint64_t prot = 0;
  if ((ph.flags & core::kPfR) != 0) prot |= abi::kProtRead;
  if ((ph.flags & core::kPfW) != 0) prot |= abi::kProtWrite;
  if ((ph.flags & core::kPfX) != 0) prot |= abi::kProtExec;
  return prot;
}

std::vector<const ElfProgramHeader*> loadable_segments(const core::ElfFile& elf) {
  std::vector<const ElfProgramHeader*> loads;
  for (const ElfProgramHeader& ph : elf.program_headers) {
    if (ph.type == core::kPtLoad && ph.memsz != 0) loads.push_back(&ph);
  }
  // Linux requires ascending order; the ELF reader only rules out overlaps.
  std::sort(loads.begin(), loads.end(),
            [](const ElfProgramHeader* a, const ElfProgramHeader* b) { return a->vaddr < b->vaddr; });
  return loads;
}

// Checks what Linux's mmap of each segment would refuse, so the mapping loop
// below cannot fail halfway for a reason visible in the file.
vm::Result<void> validate_segments(const std::vector<const ElfProgramHeader*>& loads, const std::string& path) {
  if (loads.empty()) {
    return make_error(ErrorCode::kMalformed, fmt::format("{}: no loadable (PT_LOAD) segments", path));
  }
  for (const ElfProgramHeader* ph : loads) {
    if (ph->memsz < ph->filesz || ph->vaddr + ph->memsz < ph->vaddr) {
      return make_error(ErrorCode::kMalformed,
                        fmt::format("{}: PT_LOAD at {:#x} has p_memsz {:#x} < p_filesz {:#x} or wraps", path, ph->vaddr,
                                    ph->memsz, ph->filesz));
    }
    if ((ph->vaddr - ph->offset) % mem::kPageSize != 0) {
      return make_error(ErrorCode::kMalformed,
                        fmt::format("{}: PT_LOAD at {:#x}: p_vaddr and p_offset {:#x} differ modulo the "
                                    "page size, so it cannot be mapped",
                                    path, ph->vaddr, ph->offset));
    }
  }
  return {};
}

// The load bias: 0 for ET_EXEC, ELF_ET_DYN_BASE minus the lowest page for static-pie.
vm::Result<std::uint64_t> choose_bias(const ProcessState& ps, const core::ElfFile& elf, std::uint64_t lo,
                                      std::uint64_t hi, const std::string& path) {
  const std::uint64_t bias = elf.is_pie() ? dyn_load_base(ps.layout.limit) - lo : 0;
  const std::uint64_t start = lo + bias;
  const std::uint64_t end = hi + bias;
  if (start < ps.layout.mmap_min || end > ps.layout.mmap_base || end < start) {
    return make_error(ErrorCode::kOutOfRange,
                      fmt::format("{}: image [{:#x}, {:#x}) does not fit in the guest address space (usable "
                                  "[{:#x}, {:#x}) with va_bits = {})",
                                  path, start, end, ps.layout.mmap_min, ps.layout.mmap_base, ps.options.va_bits));
  }
  return bias;
}

// AT_PHDR: PT_PHDR if present, else the PT_LOAD whose file bytes hold e_phoff.
std::uint64_t find_phdr_address(const core::ElfFile& elf, std::uint64_t bias) {
  for (const ElfProgramHeader& ph : elf.program_headers) {
    if (ph.type == core::kPtPhdr) return ph.vaddr + bias;
  }
  for (const ElfProgramHeader& ph : elf.program_headers) {
    if (ph.type == core::kPtLoad && ph.offset <= elf.phoff && elf.phoff < ph.offset + ph.filesz) {
      return elf.phoff - ph.offset + ph.vaddr + bias;
    }
  }
  return 0;
}

// Maps one segment as mmap would: the file pages [page_down(offset), offset +
// filesz) at page_down(vaddr), zeros after the file bytes (bss head), then
// anonymous zero pages up to vaddr + memsz. A first page already mapped by
// the previous segment (`mapped_until` is past it) is shared: it keeps that
// segment's bytes and gets the union of both permissions.
vm::Result<void> map_segment(ProcessState& ps, const core::ElfFile& elf, const ElfProgramHeader& ph, std::uint64_t bias,
                             std::uint64_t mapped_until, const std::shared_ptr<const HostFd>& file,
                             const std::string& path) {
  const std::uint64_t prot = segment_prot(ph);
  const std::uint64_t vaddr = ph.vaddr + bias;
  const std::uint64_t start = page_down(vaddr);
  const bool shares_first_page = mapped_until > start;
  const std::uint64_t fresh = shares_first_page ? mapped_until : start;
  const std::uint64_t file_pages_end = std::max(page_up(vaddr + ph.filesz), fresh);
  const std::uint64_t end = page_up(vaddr + ph.memsz);
  if (file_pages_end > fresh) {
    Vma image = plain_vma(fresh, file_pages_end, prot, VmaKind::kImage, ps.exe_host_path);
    image.file = file;
    image.file_offset = page_down(ph.offset) + (fresh - start);
    VM_TRY_VOID(map_area(ps, std::move(image)));
  }
  if (end > file_pages_end) {
    VM_TRY_VOID(map_area(ps, plain_vma(file_pages_end, end, prot, VmaKind::kAnonymous)));
  }
  if (shares_first_page) {
    const Vma* shared = ps.vmas.find(start);
    VM_TRY_VOID(protect_area(ps, start, start + mem::kPageSize, shared->prot | prot));
  }
  // In a shared page only the segment's own bytes are copied; otherwise the
  // whole file page run, as mmap shows it.
  const std::uint64_t copy_addr = shares_first_page ? vaddr : start;
  const std::uint64_t file_start = ph.offset - (vaddr - copy_addr);
  const std::uint64_t file_stop = std::min<std::uint64_t>(ph.offset + ph.filesz, elf.bytes.size());
  if (file_stop > file_start) {
    std::span<const std::uint8_t> bytes(elf.bytes.data() + file_start, file_stop - file_start);
    if (ps.memory->write(copy_addr, bytes, /*force=*/true) != mem::AccessFault::kNone) {
      return make_error(ErrorCode::kInternal,
                        fmt::format("{}: copying segment at {:#x} into guest memory failed", path, vaddr));
    }
  }
  return {};
}

}  // namespace

std::uint64_t dyn_load_base(std::uint64_t limit) { return page_down(limit / 3 * 2); }

vm::Result<LoadedImage> load_image(ProcessState& ps, const core::ElfFile& elf, const std::string& path) {
  const std::vector<const ElfProgramHeader*> loads = loadable_segments(elf);
  VM_TRY_VOID(validate_segments(loads, path));
  std::uint64_t lo = ~std::uint64_t{0};
  std::uint64_t hi = 0;
  for (const ElfProgramHeader* ph : loads) {
    lo = std::min(lo, page_down(ph->vaddr));
    hi = std::max(hi, page_up(ph->vaddr + ph->memsz));
  }
  VM_TRY_ASSIGN(const std::uint64_t bias, choose_bias(ps, elf, lo, hi, path));

  // Kept open so MADV_DONTNEED on image pages can re-read them, as Linux does.
  auto file = std::make_shared<const HostFd>(::open(ps.exe_host_path.c_str(), O_RDONLY | O_CLOEXEC));
  std::uint64_t mapped_until = 0;
  for (const ElfProgramHeader* ph : loads) {
    VM_TRY_VOID(map_segment(ps, elf, *ph, bias, mapped_until, file->valid() ? file : nullptr, path));
    mapped_until = std::max(mapped_until, page_up(ph->vaddr + bias + ph->memsz));
  }

  LoadedImage image;
  image.bias = bias;
  image.entry = elf.entry + bias;
  image.phdr_addr = find_phdr_address(elf, bias);
  image.phent = elf.phentsize;
  image.phnum = elf.phnum;
  image.brk_start = hi + bias;
  return image;
}

}  // namespace vm::engine::linux_user
