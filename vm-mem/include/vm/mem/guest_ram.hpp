// Guest RAM: one anonymous host mapping (optionally transparent huge pages)
// placed at a guest physical base, with host-pointer access for fast paths and
// optional dirty-page tracking that costs nothing when switched off.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "vm/core/result.hpp"
#include "vm/mem/export.hpp"
#include "vm/mem/guest_memory.hpp"

namespace vm::mem {

struct GuestRamConfig {
  GuestPhysAddr base{0x8000'0000};    // where QEMU's virt board puts RAM
  std::uint64_t size = 128ull << 20;  // bytes, a multiple of 4 KiB
  bool huge_pages = false;            // madvise(MADV_HUGEPAGE); advisory
  bool track_dirty = false;           // keep a dirty bit per 4 KiB page
};

class VM_MEM_API GuestRam final : public GuestMemory {
 public:
  // Refuses a zero or unaligned size, an unaligned base, a range that wraps
  // past 2^64, and reports the host refusing the mapping.
  static Result<GuestRam> create(const GuestRamConfig& config);

  GuestRam(GuestRam&& other) noexcept;
  GuestRam& operator=(GuestRam&& other) noexcept;
  GuestRam(const GuestRam&) = delete;
  GuestRam& operator=(const GuestRam&) = delete;
  ~GuestRam() override;

  GuestPhysAddr base() const noexcept { return base_; }
  std::uint64_t size() const noexcept { return size_; }
  GuestPhysAddr end() const noexcept { return base_ + size_; }
  std::byte* host_base() const noexcept { return host_; }
  bool contains(GuestPhysAddr addr, std::uint64_t len) const noexcept {
    return addr >= base_ && len <= size_ && addr - base_ <= size_ - len;
  }

  BusStatus read(GuestPhysAddr addr, std::span<std::byte> out) override;
  BusStatus write(GuestPhysAddr addr, std::span<const std::byte> in) override;
  std::span<std::byte> host_span(GuestPhysAddr addr, std::uint64_t len) override;
  // The whole of RAM (for loaders and image files).
  std::span<std::byte> host_span() const noexcept { return {host_, size_}; }

  // Dirty tracking. write() marks pages itself; code writing through
  // host_span() calls mark_dirty(). With tracking off both are a no-op.
  bool tracks_dirty() const noexcept { return dirty_ != nullptr; }
  void mark_dirty(GuestPhysAddr addr, std::uint64_t len) noexcept {
    if (dirty_ != nullptr) mark_dirty_slow(addr, len);
  }
  bool is_dirty(GuestPhysAddr addr) const noexcept;
  // Guest physical addresses of the dirty pages, ascending; clears them.
  std::vector<GuestPhysAddr> take_dirty_pages();

 private:
  GuestRam(GuestPhysAddr base, std::uint64_t size, std::byte* host,
           std::unique_ptr<std::atomic<std::uint64_t>[]> dirty);
  void mark_dirty_slow(GuestPhysAddr addr, std::uint64_t len) noexcept;
  void release() noexcept;

  GuestPhysAddr base_;
  std::uint64_t size_ = 0;
  std::byte* host_ = nullptr;
  std::unique_ptr<std::atomic<std::uint64_t>[]> dirty_;  // one bit per page
};

}  // namespace vm::mem
