// The consumer-side view of guest physical memory: devices, loaders and the
// MMU read and write through it without knowing whether RAM or a bus is behind.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "vm/mem/address.hpp"
#include "vm/mem/export.hpp"

namespace vm::mem {

// Outcome of one physical access. Not an error type: a bus error is a normal
// guest-visible event that the caller turns into an access fault.
enum class BusStatus : std::uint8_t {
  kOk,
  kUnmapped,     // no region covers (all of) the access
  kDeviceError,  // an MMIO handler refused the access
};

VM_MEM_API const char* to_string(BusStatus status) noexcept;

class VM_MEM_API GuestMemory {
 public:
  virtual ~GuestMemory();

  // Byte copies; the whole range must lie in one region.
  virtual BusStatus read(GuestPhysAddr addr, std::span<std::byte> out) = 0;
  virtual BusStatus write(GuestPhysAddr addr, std::span<const std::byte> in) = 0;

  // Host memory backing [addr, addr+len) when it is plain RAM, else empty.
  // Writes through the span bypass dirty tracking (see GuestRam::mark_dirty).
  virtual std::span<std::byte> host_span(GuestPhysAddr addr, std::uint64_t len) = 0;

  // One access of 1, 2, 4 or 8 bytes, little-endian value. Devices see it as
  // one access of that size (the default splits nothing: it reads bytes).
  virtual BusStatus load(GuestPhysAddr addr, unsigned size, std::uint64_t& value);
  virtual BusStatus store(GuestPhysAddr addr, unsigned size, std::uint64_t value);
};

}  // namespace vm::mem
