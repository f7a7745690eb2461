// Default sized accesses for GuestMemory providers that only copy bytes.
#include "vm/mem/guest_memory.hpp"

#include <array>
#include <cstring>

#include "vm/mem/mmio.hpp"

namespace vm::mem {

const char* to_string(BusStatus status) noexcept {
  switch (status) {
    case BusStatus::kOk:
      return "ok";
    case BusStatus::kUnmapped:
      return "unmapped address";
    case BusStatus::kDeviceError:
      return "device error";
  }
  return "unknown bus status";
}

GuestMemory::~GuestMemory() = default;
MmioHandler::~MmioHandler() = default;

// The host is little-endian (x86-64, AArch64), as is RISC-V.
BusStatus GuestMemory::load(GuestPhysAddr addr, unsigned size, std::uint64_t& value) {
  std::array<std::byte, 8> bytes{};
  BusStatus status = read(addr, std::span(bytes.data(), size));
  if (status != BusStatus::kOk) return status;
  value = 0;
  std::memcpy(&value, bytes.data(), size);
  return BusStatus::kOk;
}

BusStatus GuestMemory::store(GuestPhysAddr addr, unsigned size, std::uint64_t value) {
  std::array<std::byte, 8> bytes{};
  std::memcpy(bytes.data(), &value, size);
  return write(addr, std::span<const std::byte>(bytes.data(), size));
}

}  // namespace vm::mem
