// GuestRam: anonymous mmap plus an optional atomic dirty bitmap.
#include "vm/mem/guest_ram.hpp"

#include <sys/mman.h>

#include <bit>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace vm::mem {

Result<GuestRam> GuestRam::create(const GuestRamConfig& config) {
  const std::uint64_t base = config.base.value();
  if (config.size == 0 || (config.size & kPageOffsetMask) != 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("guest RAM size {:#x} must be a non-zero multiple of 4 KiB", config.size));
  }
  if ((base & kPageOffsetMask) != 0) {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("guest RAM base {:#x} must be 4 KiB aligned", base));
  }
  if (base + config.size < base && base + config.size != 0) {
    return make_error(ErrorCode::kOutOfRange, fmt::format("guest RAM [{:#x}, +{:#x}) wraps past the top of the "
                                                          "physical address space",
                                                          base, config.size));
  }
  void* host = mmap(nullptr, config.size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (host == MAP_FAILED) {
    return make_error(ErrorCode::kResourceExhausted,
                      fmt::format("mmap of {:#x} bytes of guest RAM failed: {}", config.size, std::strerror(errno)));
  }
  // Huge pages are a hint: a kernel without THP still gives working RAM.
  if (config.huge_pages) (void)madvise(host, config.size, MADV_HUGEPAGE);
  std::unique_ptr<std::atomic<std::uint64_t>[]> dirty;
  if (config.track_dirty) {
    const std::uint64_t words = (config.size / kPageSize + 63) / 64;
    dirty = std::make_unique<std::atomic<std::uint64_t>[]>(words);
  }
  return GuestRam(config.base, config.size, static_cast<std::byte*>(host), std::move(dirty));
}

GuestRam::GuestRam(GuestPhysAddr base, std::uint64_t size, std::byte* host,
                   std::unique_ptr<std::atomic<std::uint64_t>[]> dirty)
    : base_(base), size_(size), host_(host), dirty_(std::move(dirty)) {}

GuestRam::GuestRam(GuestRam&& other) noexcept
    : base_(other.base_), size_(other.size_), host_(other.host_), dirty_(std::move(other.dirty_)) {
  other.host_ = nullptr;
  other.size_ = 0;
}

GuestRam& GuestRam::operator=(GuestRam&& other) noexcept {
  if (this != &other) {
    release();
    base_ = other.base_;
    size_ = other.size_;
    host_ = other.host_;
    dirty_ = std::move(other.dirty_);
    other.host_ = nullptr;
    other.size_ = 0;
  }
  return *this;
}

GuestRam::~GuestRam() { release(); }

void GuestRam::release() noexcept {
  if (host_ != nullptr) munmap(host_, size_);
  host_ = nullptr;
}

BusStatus GuestRam::read(GuestPhysAddr addr, std::span<std::byte> out) {
  if (!contains(addr, out.size())) return BusStatus::kUnmapped;
  std::memcpy(out.data(), host_ + (addr - base_), out.size());
  return BusStatus::kOk;
}

BusStatus GuestRam::write(GuestPhysAddr addr, std::span<const std::byte> in) {
  if (!contains(addr, in.size())) return BusStatus::kUnmapped;
  std::memcpy(host_ + (addr - base_), in.data(), in.size());
  mark_dirty(addr, in.size());
  return BusStatus::kOk;
}

std::span<std::byte> GuestRam::host_span(GuestPhysAddr addr, std::uint64_t len) {
  if (!contains(addr, len)) return {};
  return {host_ + (addr - base_), len};
}

void GuestRam::mark_dirty_slow(GuestPhysAddr addr, std::uint64_t len) noexcept {
  if (len == 0 || !contains(addr, len)) return;
  const std::uint64_t first = (addr - base_) >> kPageShift;
  const std::uint64_t last = (addr - base_ + len - 1) >> kPageShift;
  for (std::uint64_t page = first; page <= last; ++page) {
    dirty_[page / 64].fetch_or(std::uint64_t{1} << (page % 64), std::memory_order_relaxed);
  }
}

bool GuestRam::is_dirty(GuestPhysAddr addr) const noexcept {
  if (dirty_ == nullptr || !contains(addr, 1)) return false;
  const std::uint64_t page = (addr - base_) >> kPageShift;
  return (dirty_[page / 64].load(std::memory_order_relaxed) >> (page % 64)) & 1;
}

std::vector<GuestPhysAddr> GuestRam::take_dirty_pages() {
  std::vector<GuestPhysAddr> pages;
  if (dirty_ == nullptr) return pages;
  const std::uint64_t words = (size_ / kPageSize + 63) / 64;
  for (std::uint64_t w = 0; w < words; ++w) {
    std::uint64_t bits = dirty_[w].exchange(0, std::memory_order_relaxed);
    while (bits != 0) {
      const unsigned bit = static_cast<unsigned>(std::countr_zero(bits));
      bits &= bits - 1;
      pages.push_back(base_ + ((w * 64 + bit) << kPageShift));
    }
  }
  return pages;
}

}  // namespace vm::mem
