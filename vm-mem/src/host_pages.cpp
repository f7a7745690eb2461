#include "host_pages.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

namespace vm::mem::detail {
namespace {

constexpr int kAnonFlags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;

std::uint8_t* as_bytes(void* p) noexcept { return p == MAP_FAILED ? nullptr : static_cast<std::uint8_t*>(p); }

std::uintptr_t host_page_size() noexcept {
  static const std::uintptr_t size = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  return size;
}

}  // namespace

std::uint8_t* reserve_pages(std::size_t bytes) noexcept {
  return as_bytes(mmap(nullptr, bytes, PROT_NONE, kAnonFlags, -1, 0));
}

std::uint8_t* reserve_zeroed_pages(std::size_t bytes) noexcept {
  return as_bytes(mmap(nullptr, bytes, PROT_READ | PROT_WRITE, kAnonFlags, -1, 0));
}

bool commit_zeroed(std::uint8_t* at, std::size_t bytes) noexcept {
  // MAP_NORESERVE: a guest may map far more than host RAM and touch little.
  return mmap(at, bytes, PROT_READ | PROT_WRITE, kAnonFlags | MAP_FIXED, -1, 0) != MAP_FAILED;
}

void decommit(std::uint8_t* at, std::size_t bytes) noexcept {
  if (mmap(at, bytes, PROT_NONE, kAnonFlags | MAP_FIXED, -1, 0) != MAP_FAILED) return;
  // Out of host mapping slots: the pages stay accessible to the host, but
  // the guest cannot reach them (its perm table says unmapped) and they
  // read back as zero once the memory is dropped.
  madvise(at, bytes, MADV_DONTNEED);
  mprotect(at, bytes, PROT_NONE);
}

void zero_and_release(std::uint8_t* at, std::size_t bytes) noexcept {
  const std::uintptr_t page = host_page_size();
  const auto lo = reinterpret_cast<std::uintptr_t>(at);
  const std::uintptr_t hi = lo + bytes;
  const std::uintptr_t inner_lo = (lo + page - 1) & ~(page - 1);
  const std::uintptr_t inner_hi = hi & ~(page - 1);
  if (inner_lo >= inner_hi) {
    std::memset(at, 0, bytes);
    return;
  }
  std::memset(at, 0, inner_lo - lo);
  std::memset(reinterpret_cast<void*>(inner_hi), 0, hi - inner_hi);
  // Private anonymous pages read back as zero after MADV_DONTNEED.
  if (madvise(reinterpret_cast<void*>(inner_lo), inner_hi - inner_lo, MADV_DONTNEED) != 0) {
    std::memset(reinterpret_cast<void*>(inner_lo), 0, inner_hi - inner_lo);
  }
}

void release_pages(std::uint8_t* at, std::size_t bytes) noexcept {
  if (at != nullptr) munmap(at, bytes);
}

}  // namespace vm::mem::detail
