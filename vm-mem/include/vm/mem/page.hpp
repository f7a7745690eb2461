// The guest page size shared by every vm-mem component (user-mode address
// space, guest RAM, bus, MMU, TLB): RISC-V base pages are 4 KiB.
#pragma once

#include <cstdint>

namespace vm::mem {

inline constexpr std::uint64_t kPageSize = 4096;
inline constexpr unsigned kPageShift = 12;
inline constexpr std::uint64_t kPageOffsetMask = kPageSize - 1;

}  // namespace vm::mem
