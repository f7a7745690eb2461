// Maps a static RV64 ELF executable into a fresh process the way Linux's
// binfmt_elf does: PT_LOAD segments at their page-aligned addresses with
// their permissions (static-pie images at a load bias), bss zeroed, the
// program break just past the image.
#pragma once

#include <cstdint>
#include <string>

#include "process_state.hpp"
#include "vm/core/elf.hpp"
#include "vm/core/result.hpp"

namespace vm::engine::linux_user {

struct LoadedImage {
  std::uint64_t bias = 0;  // added to every p_vaddr (0 for ET_EXEC)
  std::uint64_t entry = 0;
  std::uint64_t phdr_addr = 0;  // AT_PHDR: program headers in guest memory, 0 if not loaded
  std::uint64_t phent = 0;
  std::uint64_t phnum = 0;
  std::uint64_t brk_start = 0;  // page-aligned end of the highest segment
};

// Where ELF_ET_DYN_BASE puts a static-pie image: 2/3 of the address space.
std::uint64_t dyn_load_base(std::uint64_t limit);

// `path` names the file in errors. ps.layout must already hold the stack and
// mmap bounds (the image has to fit below them).
vm::Result<LoadedImage> load_image(ProcessState& ps, const core::ElfFile& elf, const std::string& path);

}  // namespace vm::engine::linux_user
