// Vocabulary of RISC-V address translation shared by the page walker, the
// TLB and the per-hart MMU: privilege, access type, satp, PTE bits and faults.
#pragma once

#include <cstdint>
#include <optional>

#include "vm/mem/address.hpp"
#include "vm/mem/export.hpp"

namespace vm::mem {

enum class Privilege : std::uint8_t { kUser = 0, kSupervisor = 1, kMachine = 3 };
enum class AccessType : std::uint8_t { kFetch = 0, kLoad = 1, kStore = 2 };  // AMOs are stores

enum class SatpMode : std::uint8_t { kBare = 0, kSv39 = 8, kSv48 = 9, kSv57 = 10 };

// Page-table levels of a mode (0 for Bare).
constexpr unsigned levels_of(SatpMode mode) noexcept {
  switch (mode) {
    case SatpMode::kSv39:
      return 3;
    case SatpMode::kSv48:
      return 4;
    case SatpMode::kSv57:
      return 5;
    case SatpMode::kBare:
      return 0;
  }
  return 0;
}

// The RV64 satp CSR: MODE[63:60] ASID[59:44] PPN[43:0].
struct Satp {
  SatpMode mode = SatpMode::kBare;
  std::uint16_t asid = 0;
  std::uint64_t root_ppn = 0;

  // nullopt for a MODE value this MMU does not implement.
  static constexpr std::optional<Satp> decode(std::uint64_t raw) noexcept {
    const auto mode = static_cast<unsigned>(raw >> 60);
    if (mode != 0 && (mode < 8 || mode > 10)) return std::nullopt;
    return Satp{static_cast<SatpMode>(mode), static_cast<std::uint16_t>(raw >> 44),
                raw & ((std::uint64_t{1} << 44) - 1)};
  }
  constexpr std::uint64_t encode() const noexcept {
    return (std::uint64_t{static_cast<std::uint8_t>(mode)} << 60) | (std::uint64_t{asid} << 44) | root_ppn;
  }
};

// PTE bits (privileged spec 4.4.1).
namespace pte {
inline constexpr std::uint64_t kV = 1u << 0;
inline constexpr std::uint64_t kR = 1u << 1;
inline constexpr std::uint64_t kW = 1u << 2;
inline constexpr std::uint64_t kX = 1u << 3;
inline constexpr std::uint64_t kU = 1u << 4;
inline constexpr std::uint64_t kG = 1u << 5;
inline constexpr std::uint64_t kA = 1u << 6;
inline constexpr std::uint64_t kD = 1u << 7;
inline constexpr unsigned kPpnShift = 10;
inline constexpr std::uint64_t kPpnMask = ((std::uint64_t{1} << 44) - 1) << kPpnShift;  // bits 53:10
inline constexpr unsigned kPbmtShift = 61;
inline constexpr std::uint64_t kPbmtMask = std::uint64_t{3} << kPbmtShift;
inline constexpr std::uint64_t kN = std::uint64_t{1} << 63;
inline constexpr std::uint64_t kReservedMask = std::uint64_t{0x7f} << 54;  // bits 60:54
constexpr std::uint64_t ppn(std::uint64_t entry) noexcept { return (entry & kPpnMask) >> kPpnShift; }
constexpr std::uint64_t make(std::uint64_t ppn_value, std::uint64_t flags) noexcept {
  return (ppn_value << kPpnShift) | flags;
}
}  // namespace pte

// The mstatus fields and privilege that decide a translation. Harts keep one
// per current CSR state and hand it to the MMU when it changes.
struct MmuContext {
  Satp satp;
  Privilege priv = Privilege::kMachine;
  bool sum = false;   // mstatus.SUM: S-mode may load/store U pages
  bool mxr = false;   // mstatus.MXR: loads may read X-only pages
  bool mprv = false;  // mstatus.MPRV: M-mode loads/stores use mpp
  Privilege mpp = Privilege::kUser;

  // Builds it from raw CSR values (mstatus: SUM bit 18, MXR 19, MPRV 17,
  // MPP 12:11). A satp with an unimplemented mode is treated as Bare, which
  // is what a WARL satp write would have left in it.
  static MmuContext from_csrs(std::uint64_t satp, std::uint64_t mstatus, Privilege priv) noexcept {
    MmuContext c;
    c.satp = Satp::decode(satp).value_or(Satp{});
    c.priv = priv;
    c.sum = (mstatus >> 18) & 1;
    c.mxr = (mstatus >> 19) & 1;
    c.mprv = (mstatus >> 17) & 1;
    c.mpp = static_cast<Privilege>((mstatus >> 11) & 3);
    return c;
  }

  // The privilege a data or instruction access is checked at.
  constexpr Privilege effective_privilege(AccessType access) const noexcept {
    if (access != AccessType::kFetch && priv == Privilege::kMachine && mprv) return mpp;
    return priv;
  }
  // True when the access goes through page tables (not M-mode, not Bare).
  constexpr bool translates(AccessType access) const noexcept {
    return satp.mode != SatpMode::kBare && effective_privilege(access) != Privilege::kMachine;
  }
};

// mcause/scause exception codes produced by translation.
enum class ExceptionCause : std::uint8_t {
  kInstructionAccessFault = 1,
  kLoadAccessFault = 5,
  kStoreAccessFault = 7,
  kInstructionPageFault = 12,
  kLoadPageFault = 13,
  kStorePageFault = 15,
};

enum class FaultReason : std::uint8_t {
#define VM_FAULT_REASON(id, name, text) id,
#include "vm/mem/fault_reasons.inc"
#undef VM_FAULT_REASON
};

VM_MEM_API const char* to_string(FaultReason reason) noexcept;
VM_MEM_API const char* explain(FaultReason reason) noexcept;

constexpr ExceptionCause page_fault_cause(AccessType access) noexcept {
  switch (access) {
    case AccessType::kFetch:
      return ExceptionCause::kInstructionPageFault;
    case AccessType::kLoad:
      return ExceptionCause::kLoadPageFault;
    case AccessType::kStore:
      return ExceptionCause::kStorePageFault;
  }
  return ExceptionCause::kLoadPageFault;
}
constexpr ExceptionCause access_fault_cause(AccessType access) noexcept {
  switch (access) {
    case AccessType::kFetch:
      return ExceptionCause::kInstructionAccessFault;
    case AccessType::kLoad:
      return ExceptionCause::kLoadAccessFault;
    case AccessType::kStore:
      return ExceptionCause::kStoreAccessFault;
  }
  return ExceptionCause::kLoadAccessFault;
}

// A guest-visible memory fault: the trap cause and the value for *tval.
struct MemFault {
  ExceptionCause cause = ExceptionCause::kLoadAccessFault;
  std::uint64_t tval = 0;
  FaultReason reason = FaultReason::kNone;
};

}  // namespace vm::mem
