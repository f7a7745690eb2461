// Runs one walk over the image and prints it level by level.
#pragma once

#include <cstdint>
#include <cstdio>

#include "options.hpp"
#include "vm/core/result.hpp"
#include "vm/mem/page_walker.hpp"

namespace mem_walk {

// Prints the walk of va; an error when the walk needs bytes the image lacks.
vm::Result<void> report_walk(const vm::mem::PageWalker& walker, const vm::mem::MmuContext& ctx, const Options& options,
                             std::uint64_t image_bytes, std::uint64_t va, std::FILE* out);

}  // namespace mem_walk
