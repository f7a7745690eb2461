// The guest address space of a Linux user-mode process: one large host
// reservation holds all of guest virtual memory, so guest VA -> host pointer
// is one add after a bounds check, and guest page permissions live in a side
// table (one byte per 4 KiB page). No guest address can reach host memory
// outside the reservation.
//
// How it works (and what engines may rely on):
//  - host_base() .. host_base()+limit() is one host mapping reserved with
//    PROT_NONE and MAP_NORESERVE; it costs address space, not memory.
//  - A guest-mapped page is host PROT_READ|PROT_WRITE whatever its guest
//    permissions (the engine reads code bytes of exec-only pages, loaders
//    write read-only segments). Guest permissions are enforced only through
//    perm_table(), so every guest access must go through check()/host_ptr()
//    or test perm_table()[va >> kPageShift] itself. Guest-unmapped pages are
//    host PROT_NONE and hold no memory.
//  - map_fixed() always gives fresh zero pages; unmap() returns the memory
//    to the host. Memory is committed only when touched.
//  - Mapping calls are not thread-safe: the syscall layer serialises
//    mmap/munmap/mprotect (and holds its lock across find_free + map_fixed),
//    and keeps other harts from accessing pages while they change (e.g. by
//    stopping them, or by re-checking mapping_generation()).
//  - Error codes, for turning failures into errno: kInvalidArgument
//    (misaligned address, zero length, unknown permission bits -> EINVAL),
//    kOutOfRange (range outside [0, limit()), or find_free found nothing
//    -> ENOMEM), kNotFound (protect over an unmapped page -> ENOMEM),
//    kResourceExhausted (the host refused memory -> ENOMEM).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "vm/core/result.hpp"
#include "vm/mem/export.hpp"
#include "vm/mem/page.hpp"

namespace vm::mem {

// Guest page permissions (bit set in the side table).
enum PagePerm : std::uint8_t {
  kPermNone = 0,
  kPermRead = 1,
  kPermWrite = 2,
  kPermExec = 4,
  kPermMapped = 8,  // page is mapped (possibly PROT_NONE)
  // An engine holds translations of code on this page (mark_code). Not a
  // guest permission: it only sends stores to the slow path, which notices
  // that the guest is rewriting translated code.
  kPermCode = 16,
  // Derived, for engines' inline store test: set exactly while the page is
  // writable and holds no translated code, so that test is one bit (one
  // `test` on x86) instead of a mask and a compare.
  kPermStoreFast = 32,
};

// The bits an engine's inline fast path tests, all of which must be set, for
// an access needing `need` (kPermRead and/or kPermWrite).
inline constexpr std::uint8_t fast_path_bits(std::uint8_t need) {
  return (need & kPermWrite) ? static_cast<std::uint8_t>((need & ~kPermWrite) | kPermStoreFast) : need;
}

// Why an access was refused; engines turn this into a guest trap.
enum class AccessFault : std::uint8_t { kNone, kUnmapped, kPermission };

// The first refused byte of an access, for a guest SIGSEGV's si_addr or a
// trap's tval. `addr` is meaningless when `fault` is kNone.
struct FaultInfo {
  AccessFault fault = AccessFault::kNone;
  std::uint64_t addr = 0;
};

namespace detail {
class MappedIntervals;
}  // namespace detail

struct UserAddressSpaceOptions {
  // Guest VA width. 38 bits = 256 GiB, the user half of Sv39 as Linux uses it.
  unsigned va_bits = 38;
};

class VM_MEM_API UserAddressSpace {
 public:
  static vm::Result<std::unique_ptr<UserAddressSpace>> create(const UserAddressSpaceOptions& options = {});
  ~UserAddressSpace();
  UserAddressSpace(const UserAddressSpace&) = delete;
  UserAddressSpace& operator=(const UserAddressSpace&) = delete;

  // ---- fast-path data for engines (stable for the object's lifetime) ----
  std::uint8_t* host_base() const noexcept { return base_; }
  std::uint64_t limit() const noexcept { return limit_; }             // one past the highest guest VA
  const std::uint8_t* perm_table() const noexcept { return perms_; }  // indexed by va >> kPageShift

  // True if [addr, addr+len) is entirely mapped with all bits of `need`.
  // A zero-length range is accepted anywhere in [0, limit()].
  bool check(std::uint64_t addr, std::uint64_t len, std::uint8_t need) const noexcept;
  // Host pointer for a checked range, or nullptr (never throws, never faults).
  std::uint8_t* host_ptr(std::uint64_t addr, std::uint64_t len, std::uint8_t need) const noexcept;

  // ---- translated-code tracking (self-modifying and JIT-ing guests) ----
  // Marks the mapped pages of [addr, addr+len) as holding translated code.
  void mark_code(std::uint64_t addr, std::uint64_t len);
  // Set when a checked write access (host_ptr or write() needing W) touched
  // a marked page; the write itself is allowed. Engines stop at their next
  // block boundary and the run loop drops every translation.
  bool code_write_pending() const noexcept { return code_write_pending_; }
  // Unmarks every page and clears the pending flag (after a flush).
  void clear_code_marks() noexcept;

  // ---- mapping primitives (page-aligned addr; len rounded up to pages) ----
  // Maps zero-filled anonymous memory at exactly [addr, addr+len), replacing
  // whatever was mapped there (MAP_FIXED semantics).
  vm::Result<void> map_fixed(std::uint64_t addr, std::uint64_t len, std::uint8_t perms);
  // Unmaps; unmapped parts of the range are fine (as munmap).
  vm::Result<void> unmap(std::uint64_t addr, std::uint64_t len);
  // Changes permissions; fails (ENOMEM-like) if any page is unmapped.
  vm::Result<void> protect(std::uint64_t addr, std::uint64_t len, std::uint8_t perms);
  // Lowest free page-aligned range of `len` bytes at or above `hint`, searching
  // below `ceiling`; kOutOfRange if none.
  vm::Result<std::uint64_t> find_free(std::uint64_t len, std::uint64_t hint, std::uint64_t ceiling) const;
  bool is_mapped(std::uint64_t addr) const noexcept;
  // Total bytes currently mapped (any permission).
  std::uint64_t mapped_bytes() const noexcept;

  // Where and why an access to [addr, addr+len) needing `need` would fail;
  // the first bad page wins. Bytes at or past limit() count as unmapped.
  FaultInfo locate_fault(std::uint64_t addr, std::uint64_t len, std::uint8_t need) const noexcept;

  // ---- checked copies for syscalls and loaders (respect guest perms unless
  // `force` is set: a loader writes into read-only segments) ----
  // The whole range is checked before any byte moves, so a fault copies
  // nothing. `force` skips the W check but pages must still be mapped.
  AccessFault read(std::uint64_t addr, std::span<std::uint8_t> out) const noexcept;
  AccessFault write(std::uint64_t addr, std::span<const std::uint8_t> in, bool force = false) noexcept;

  // Bumped on every unmap/protect so engines can drop cached translations:
  // precisely, whenever an existing mapping is removed, re-protected or
  // replaced by map_fixed. Filling or "unmapping" a hole leaves it alone,
  // since nothing cached can depend on a hole.
  std::uint64_t mapping_generation() const noexcept { return generation_; }

 private:
  UserAddressSpace() = default;
  // Sets code_write_pending_ if a checked write to [addr, addr+len) touches
  // a page marked by mark_code.
  void note_write(std::uint64_t addr, std::uint64_t len) const noexcept;
  std::uint8_t* base_ = nullptr;
  std::uint64_t limit_ = 0;
  std::uint8_t* perms_ = nullptr;
  std::size_t perms_bytes_ = 0;
  std::uint64_t generation_ = 0;
  std::vector<std::uint64_t> code_pages_;  // pages carrying kPermCode
  mutable bool code_write_pending_ = false;
  // Mapped ranges (ignoring permissions), so find_free and protect need not
  // scan the perm table page by page.
  std::unique_ptr<detail::MappedIntervals> intervals_;
};

}  // namespace vm::mem
