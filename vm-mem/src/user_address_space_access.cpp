// The checked guest-access paths of UserAddressSpace: every one consults the
// perm table, so a wild guest pointer becomes an AccessFault, never a host
// fault.
#include <cstring>

#include "vm/mem/user_address_space.hpp"

namespace vm::mem {

bool UserAddressSpace::check(std::uint64_t addr, std::uint64_t len, std::uint8_t need) const noexcept {
  if (addr > limit_ || len > limit_ - addr) return false;
  if (len == 0) return true;
  const std::uint8_t want = need | kPermMapped;
  const std::uint64_t last = (addr + len - 1) >> kPageShift;
  for (std::uint64_t page = addr >> kPageShift; page <= last; ++page) {
    if ((perms_[page] & want) != want) return false;
  }
  return true;
}

std::uint8_t* UserAddressSpace::host_ptr(std::uint64_t addr, std::uint64_t len, std::uint8_t need) const noexcept {
  if (!check(addr, len, need)) return nullptr;
  if (need & kPermWrite) note_write(addr, len);
  return base_ + addr;
}

void UserAddressSpace::note_write(std::uint64_t addr, std::uint64_t len) const noexcept {
  if (len == 0 || code_pages_.empty()) return;
  const std::uint64_t last = (addr + len - 1) >> kPageShift;
  for (std::uint64_t page = addr >> kPageShift; page <= last; ++page)
    if (perms_[page] & kPermCode) code_write_pending_ = true;
}

void UserAddressSpace::mark_code(std::uint64_t addr, std::uint64_t len) {
  if (len == 0 || addr >= limit_) return;
  const std::uint64_t end = len > limit_ - addr ? limit_ : addr + len;
  for (std::uint64_t page = addr >> kPageShift; page <= (end - 1) >> kPageShift; ++page) {
    if ((perms_[page] & (kPermMapped | kPermCode)) != kPermMapped) continue;
    perms_[page] = static_cast<std::uint8_t>((perms_[page] | kPermCode) & ~kPermStoreFast);
    code_pages_.push_back(page);
  }
}

void UserAddressSpace::clear_code_marks() noexcept {
  for (std::uint64_t page : code_pages_) {
    std::uint8_t& bits = perms_[page];
    if (!(bits & kPermCode)) continue;  // unmapped or re-protected since
    bits = static_cast<std::uint8_t>(bits & ~kPermCode);
    if (bits & kPermWrite) bits |= kPermStoreFast;
  }
  code_pages_.clear();
  code_write_pending_ = false;
}

FaultInfo UserAddressSpace::locate_fault(std::uint64_t addr, std::uint64_t len, std::uint8_t need) const noexcept {
  if (len == 0) return addr <= limit_ ? FaultInfo{} : FaultInfo{AccessFault::kUnmapped, addr};
  if (addr >= limit_) return {AccessFault::kUnmapped, addr};
  const bool runs_past_limit = len > limit_ - addr;
  const std::uint64_t last_byte = runs_past_limit ? limit_ - 1 : addr + len - 1;
  const std::uint8_t want = need | kPermMapped;
  for (std::uint64_t page = addr >> kPageShift; page <= last_byte >> kPageShift; ++page) {
    const std::uint8_t perms = perms_[page];
    if ((perms & want) == want) continue;
    const std::uint64_t page_start = page << kPageShift;
    const std::uint64_t at = page_start > addr ? page_start : addr;
    return {(perms & kPermMapped) != 0 ? AccessFault::kPermission : AccessFault::kUnmapped, at};
  }
  if (runs_past_limit) return {AccessFault::kUnmapped, limit_};
  return {};
}

bool UserAddressSpace::is_mapped(std::uint64_t addr) const noexcept {
  return addr < limit_ && (perms_[addr >> kPageShift] & kPermMapped) != 0;
}

AccessFault UserAddressSpace::read(std::uint64_t addr, std::span<std::uint8_t> out) const noexcept {
  const FaultInfo fault = locate_fault(addr, out.size(), kPermRead);
  if (fault.fault != AccessFault::kNone) return fault.fault;
  if (!out.empty()) std::memcpy(out.data(), base_ + addr, out.size());
  return AccessFault::kNone;
}

AccessFault UserAddressSpace::write(std::uint64_t addr, std::span<const std::uint8_t> in, bool force) noexcept {
  const FaultInfo fault = locate_fault(addr, in.size(), force ? kPermNone : kPermWrite);
  if (fault.fault != AccessFault::kNone) return fault.fault;
  if (!force) note_write(addr, in.size());
  if (!in.empty()) std::memcpy(base_ + addr, in.data(), in.size());
  return AccessFault::kNone;
}

}  // namespace vm::mem
