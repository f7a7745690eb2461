// The interface a memory-mapped device implements to sit on the physical
// bus: sized reads and writes at an offset into its region.
#pragma once

#include <cstdint>

#include "vm/mem/export.hpp"
#include "vm/mem/guest_memory.hpp"

namespace vm::mem {

// Offsets are relative to the region base; size is 1, 2, 4 or 8. Return
// kDeviceError to make the access a bus error (guest access fault). Calls
// may come from several hart threads; a handler serialises itself if needed.
class VM_MEM_API MmioHandler {
 public:
  virtual ~MmioHandler();
  virtual BusStatus read(std::uint64_t offset, unsigned size, std::uint64_t& value) = 0;
  virtual BusStatus write(std::uint64_t offset, unsigned size, std::uint64_t value) = 0;
};

}  // namespace vm::mem
