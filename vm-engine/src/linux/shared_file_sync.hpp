// MAP_SHARED for files, emulated: guest memory holds a copy of the file, and
// the bytes the guest changed are written back to the file at msync, munmap,
// mremap, MAP_FIXED replacement and exit. Other processes (and read() in the
// guest) see the changes from then on, not at the moment of the store, and
// writes to the file through write() do not show up in an existing mapping.
#pragma once

#include <cstdint>

#include "process_state.hpp"

namespace vm::engine::linux_user {

// Writes back what the guest changed in the shared file mappings inside
// [start, end). Bytes past the current end of file are dropped, as Linux
// never extends a file through a mapping.
void write_back_shared_files(ProcessState& ps, std::uint64_t start, std::uint64_t end);

// Takes the current guest contents of `vma` (a writable shared file mapping,
// just filled from the file) as its synchronised state.
void start_shared_file_image(ProcessState& ps, Vma& vma);

// The same for every writable shared file area inside [start, end), after
// mremap or MADV_DONTNEED gave them new contents.
void restart_shared_file_images(ProcessState& ps, std::uint64_t start, std::uint64_t end);

}  // namespace vm::engine::linux_user
