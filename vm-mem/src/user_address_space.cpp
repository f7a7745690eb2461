// Lifecycle and mapping primitives of UserAddressSpace; the checked access
// paths are in user_address_space_access.cpp.
#include "vm/mem/user_address_space.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "host_pages.hpp"
#include "mapped_intervals.hpp"

namespace vm::mem {
namespace {

constexpr unsigned kMinVaBits = 32;
// x86-64 and AArch64 hosts give user space 47 bits; the reservation has to fit.
constexpr unsigned kMaxVaBits = 47;
constexpr std::uint8_t kPermRwx = kPermRead | kPermWrite | kPermExec;

// A mapped page's table byte for guest permissions `perms`: a fresh mapping
// or protection holds no translated code, so a writable page is store-fast.
constexpr std::uint8_t mapped_page_bits(std::uint8_t perms) {
  const auto bits = static_cast<std::uint8_t>((perms & kPermRwx) | kPermMapped);
  return (bits & kPermWrite) ? static_cast<std::uint8_t>(bits | kPermStoreFast) : bits;
}

constexpr std::uint64_t round_up_to_page(std::uint64_t v) { return (v + kPageSize - 1) & ~(kPageSize - 1); }

// Validates a page-aligned, non-empty [addr, addr+len) inside [0, limit) and
// returns its page-rounded end.
vm::Result<std::uint64_t> checked_page_range(const char* op, std::uint64_t addr, std::uint64_t len,
                                             std::uint64_t limit) {
  if ((addr & (kPageSize - 1)) != 0) {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("{}: address {:#x} is not page-aligned", op, addr));
  }
  if (len == 0) {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("{}: zero length at {:#x}", op, addr));
  }
  if (addr >= limit || len > limit - addr) {
    return make_error(ErrorCode::kOutOfRange,
                      fmt::format("{}: range at {:#x} of length {:#x} does not fit in the guest "
                                  "address space [0, {:#x})",
                                  op, addr, len, limit));
  }
  // Cannot overflow: limit - addr is a page multiple no smaller than len.
  return addr + round_up_to_page(len);
}

vm::Result<void> checked_perms(const char* op, std::uint8_t perms) {
  if ((perms & ~(kPermRwx | kPermMapped)) != 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("{}: unknown permission bits {:#x}", op, unsigned{perms}));
  }
  return {};
}

// Writes one perm byte per page of [addr, end); clearing gives the table's
// memory back, so a big unmap does not leave megabytes of zeros resident.
void fill_perms(std::uint8_t* table, std::uint64_t addr, std::uint64_t end, std::uint8_t value) {
  std::uint8_t* first = table + (addr >> kPageShift);
  const std::size_t count = (end - addr) >> kPageShift;
  if (value == kPermNone) {
    detail::zero_and_release(first, count);
  } else {
    std::memset(first, value, count);
  }
}

}  // namespace

vm::Result<std::unique_ptr<UserAddressSpace>> UserAddressSpace::create(const UserAddressSpaceOptions& options) {
  const unsigned bits = options.va_bits;
  if (bits < kMinVaBits || bits > kMaxVaBits) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("user address space: va_bits = {} is outside the supported range {}..{}", bits,
                                  kMinVaBits, kMaxVaBits));
  }
  std::unique_ptr<UserAddressSpace> space(new UserAddressSpace());
  const std::uint64_t limit = std::uint64_t{1} << bits;
  space->base_ = detail::reserve_pages(limit);
  if (space->base_ == nullptr) {
    return make_error(ErrorCode::kResourceExhausted,
                      fmt::format("user address space: cannot reserve {:#x} bytes of host address space "
                                  "for a {}-bit guest: {}",
                                  limit, bits, std::strerror(errno)));
  }
  space->limit_ = limit;
  space->perms_bytes_ = limit >> kPageShift;
  space->perms_ = detail::reserve_zeroed_pages(space->perms_bytes_);
  if (space->perms_ == nullptr) {
    return make_error(ErrorCode::kResourceExhausted,
                      fmt::format("user address space: cannot reserve the {:#x}-byte permission table "
                                  "for a {}-bit guest: {}",
                                  space->perms_bytes_, bits, std::strerror(errno)));
  }
  space->intervals_ = std::make_unique<detail::MappedIntervals>();
  return space;
}

UserAddressSpace::~UserAddressSpace() {
  detail::release_pages(base_, limit_);
  detail::release_pages(perms_, perms_bytes_);
}

vm::Result<void> UserAddressSpace::map_fixed(std::uint64_t addr, std::uint64_t len, std::uint8_t perms) {
  VM_TRY_VOID(checked_perms("map_fixed", perms));
  auto end = checked_page_range("map_fixed", addr, len, limit_);
  if (!end) return Unexpected<Error>(std::move(end).error());
  const bool replaces = intervals_->overlaps(addr, *end);
  if (!detail::commit_zeroed(base_ + addr, *end - addr)) {
    const int err = errno;
    // A failed MAP_FIXED may already have dropped the old pages, so make
    // the whole range consistently unmapped rather than guess.
    fill_perms(perms_, addr, *end, kPermNone);
    detail::decommit(base_ + addr, *end - addr);
    intervals_->erase(addr, *end);
    if (replaces) ++generation_;
    return make_error(ErrorCode::kResourceExhausted,
                      fmt::format("map_fixed: host refused memory for [{:#x}, {:#x}) ({:#x} bytes): {}; "
                                  "the range is now unmapped",
                                  addr, *end, *end - addr, std::strerror(err)));
  }
  fill_perms(perms_, addr, *end, mapped_page_bits(perms));
  intervals_->insert(addr, *end);
  if (replaces) ++generation_;
  return {};
}

vm::Result<void> UserAddressSpace::unmap(std::uint64_t addr, std::uint64_t len) {
  auto end = checked_page_range("unmap", addr, len, limit_);
  if (!end) return Unexpected<Error>(std::move(end).error());
  if (!intervals_->overlaps(addr, *end)) return {};
  // Table first: a racing check() should refuse before the memory goes.
  fill_perms(perms_, addr, *end, kPermNone);
  detail::decommit(base_ + addr, *end - addr);
  intervals_->erase(addr, *end);
  ++generation_;
  return {};
}

vm::Result<void> UserAddressSpace::protect(std::uint64_t addr, std::uint64_t len, std::uint8_t perms) {
  VM_TRY_VOID(checked_perms("protect", perms));
  if ((addr & (kPageSize - 1)) == 0 && len == 0 && addr <= limit_) return {};
  auto end = checked_page_range("protect", addr, len, limit_);
  if (!end) return Unexpected<Error>(std::move(end).error());
  if (!intervals_->covers(addr, *end)) {
    const FaultInfo hole = locate_fault(addr, *end - addr, kPermNone);
    return make_error(ErrorCode::kNotFound,
                      fmt::format("protect: [{:#x}, {:#x}) is not fully mapped (first unmapped page at {:#x})", addr,
                                  *end, hole.addr));
  }
  // Host protection stays read/write: guest permissions live in the table.
  // A page keeps its code mark (translations of it still exist), so a guest
  // that makes its code writable again still has its stores noticed.
  const std::uint8_t bits = mapped_page_bits(perms);
  for (std::uint64_t page = addr >> kPageShift; page < *end >> kPageShift; ++page)
    perms_[page] = (perms_[page] & kPermCode) ? static_cast<std::uint8_t>((bits | kPermCode) & ~kPermStoreFast) : bits;
  ++generation_;
  return {};
}

vm::Result<std::uint64_t> UserAddressSpace::find_free(std::uint64_t len, std::uint64_t hint,
                                                      std::uint64_t ceiling) const {
  if (len == 0) return make_error(ErrorCode::kInvalidArgument, "find_free: zero length");
  const std::uint64_t top = (ceiling < limit_ ? ceiling : limit_) & ~(kPageSize - 1);
  std::uint64_t start = 0;
  const bool fits = len <= limit_ && hint <= limit_ &&
                    intervals_->first_gap(round_up_to_page(len), round_up_to_page(hint), top, &start);
  if (!fits) {
    return make_error(ErrorCode::kOutOfRange,
                      fmt::format("find_free: no free range of {:#x} bytes between {:#x} and {:#x}", len, hint, top));
  }
  return start;
}

std::uint64_t UserAddressSpace::mapped_bytes() const noexcept { return intervals_->total_bytes(); }

}  // namespace vm::mem
