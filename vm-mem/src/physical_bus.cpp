// PhysicalBus: a sorted, disjoint list of RAM and MMIO regions.
#include "vm/mem/physical_bus.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace vm::mem {
namespace {

std::string describe(const BusRegion& r) {
  return fmt::format("'{}' [{:#x}, {:#x})", r.name, r.base.value(), r.base.value() + r.size);
}

bool valid_size(unsigned size) { return size == 1 || size == 2 || size == 4 || size == 8; }

}  // namespace

Result<void> PhysicalBus::map_ram(std::string name, GuestRam& ram) {
  return insert(BusRegion{std::move(name), ram.base(), ram.size(), &ram, nullptr});
}

Result<void> PhysicalBus::map_mmio(std::string name, GuestPhysAddr base, std::uint64_t size, MmioHandler& handler) {
  return insert(BusRegion{std::move(name), base, size, nullptr, &handler});
}

Result<void> PhysicalBus::insert(BusRegion region) {
  const std::uint64_t base = region.base.value();
  if (region.size == 0 || ((base | region.size) & kPageOffsetMask) != 0) {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("region '{}' at {:#x} size {:#x}: base and size must be "
                                                               "non-zero multiples of 4 KiB",
                                                               region.name, base, region.size));
  }
  if (base + region.size < base && base + region.size != 0) {
    return make_error(ErrorCode::kOutOfRange,
                      fmt::format("region '{}' at {:#x} size {:#x} wraps past 2^64", region.name, base, region.size));
  }
  // Compare end - 1 so a region ending exactly at 2^64 does not wrap to 0.
  const std::uint64_t last = base + region.size - 1;
  for (const BusRegion& other : regions_) {
    const std::uint64_t other_last = other.base.value() + other.size - 1;
    if (base <= other_last && other.base.value() <= last) {
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("region {} overlaps region {}", describe(region), describe(other)));
    }
  }
  auto pos = std::upper_bound(regions_.begin(), regions_.end(), region.base,
                              [](GuestPhysAddr a, const BusRegion& r) { return a < r.base; });
  if (region.is_ram()) {
    tracks_dirty_ = tracks_dirty_ || region.ram->tracks_dirty();
    if (region.size > main_ram_size_) {
      main_ram_base_ = base;
      main_ram_size_ = region.size;
      main_ram_host_ = region.ram->host_base();
    }
  }
  regions_.insert(pos, std::move(region));
  return {};
}

std::byte* PhysicalBus::ram_pointer_slow(GuestPhysAddr addr, std::uint64_t len) noexcept {
  const BusRegion* r = find_range(addr, len);
  if (r == nullptr || !r->is_ram()) return nullptr;
  return r->ram->host_base() + (addr - r->base);
}

const BusRegion* PhysicalBus::find(GuestPhysAddr addr) const noexcept {
  auto pos = std::upper_bound(regions_.begin(), regions_.end(), addr,
                              [](GuestPhysAddr a, const BusRegion& r) { return a < r.base; });
  if (pos == regions_.begin()) return nullptr;
  const BusRegion& r = *(pos - 1);
  return addr - r.base < r.size ? &r : nullptr;
}

const BusRegion* PhysicalBus::find_range(GuestPhysAddr addr, std::uint64_t len) const noexcept {
  const BusRegion* r = find(addr);
  if (r == nullptr || len > r->size - (addr - r->base)) return nullptr;
  return r;
}

std::span<std::byte> PhysicalBus::host_span(GuestPhysAddr addr, std::uint64_t len) {
  const BusRegion* r = find_range(addr, len);
  if (r == nullptr || !r->is_ram()) return {};
  return r->ram->host_span(addr, len);
}

BusStatus PhysicalBus::load(GuestPhysAddr addr, unsigned size, std::uint64_t& value) {
  const BusRegion* r = find_range(addr, size);
  if (r == nullptr || !valid_size(size)) return BusStatus::kUnmapped;
  if (r->is_ram()) return r->ram->GuestMemory::load(addr, size, value);
  value = 0;
  return r->mmio->read(addr - r->base, size, value);
}

BusStatus PhysicalBus::store(GuestPhysAddr addr, unsigned size, std::uint64_t value) {
  const BusRegion* r = find_range(addr, size);
  if (r == nullptr || !valid_size(size)) return BusStatus::kUnmapped;
  if (r->is_ram()) return r->ram->GuestMemory::store(addr, size, value);
  return r->mmio->write(addr - r->base, size, value);
}

// Byte copies to MMIO go one byte at a time: a device sees no access wider
// than the caller could have meant.
BusStatus PhysicalBus::read(GuestPhysAddr addr, std::span<std::byte> out) {
  const BusRegion* r = find_range(addr, out.size());
  if (r == nullptr) return BusStatus::kUnmapped;
  if (r->is_ram()) return r->ram->read(addr, out);
  for (std::size_t i = 0; i < out.size(); ++i) {
    std::uint64_t v = 0;
    BusStatus s = r->mmio->read(addr - r->base + i, 1, v);
    if (s != BusStatus::kOk) return s;
    out[i] = static_cast<std::byte>(v);
  }
  return BusStatus::kOk;
}

BusStatus PhysicalBus::write(GuestPhysAddr addr, std::span<const std::byte> in) {
  const BusRegion* r = find_range(addr, in.size());
  if (r == nullptr) return BusStatus::kUnmapped;
  if (r->is_ram()) return r->ram->write(addr, in);
  for (std::size_t i = 0; i < in.size(); ++i) {
    BusStatus s = r->mmio->write(addr - r->base + i, 1, static_cast<std::uint64_t>(in[i]));
    if (s != BusStatus::kOk) return s;
  }
  return BusStatus::kOk;
}

}  // namespace vm::mem
