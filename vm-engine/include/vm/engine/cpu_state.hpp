// Architectural state of one RV64GC user-mode hart, laid out for engines:
// every register lives in one array indexed by IR slot (x0..x31, f0..f31,
// then block temporaries), so interpreter and JIT address them the same way.
#pragma once

#include <cstdint>

#include "vm/cross_arch/ir/op.hpp"

namespace vm::engine {

namespace ir = vm::cross_arch::ir;

inline constexpr std::uint64_t kNoReservation = ~std::uint64_t{0};

// fcsr layout: fflags in bits 0..4 (NX UF OF DZ NV), frm in bits 5..7.
enum FFlag : std::uint32_t { kFlagNX = 1, kFlagUF = 2, kFlagOF = 4, kFlagDZ = 8, kFlagNV = 16 };

struct CpuState {
  std::uint64_t regs[ir::kNumSlots] = {};  // regs[0] (x0) is always 0
  std::uint64_t pc = 0;
  std::uint32_t fcsr = 0;
  std::uint64_t instret = 0;                  // retired guest instructions
  std::uint64_t reservation = kNoReservation; // LR/SC reserved address

  std::uint64_t& x(unsigned r) { return regs[ir::x_slot(r)]; }
  std::uint64_t x(unsigned r) const { return regs[ir::x_slot(r)]; }
  std::uint64_t& f(unsigned r) { return regs[ir::f_slot(r)]; }
  std::uint64_t f(unsigned r) const { return regs[ir::f_slot(r)]; }
  std::uint32_t frm() const { return (fcsr >> 5) & 7; }
  std::uint32_t fflags() const { return fcsr & 31; }
};

// A guest exception, as a value (never a C++ exception).
struct Trap {
  std::uint64_t cause = 0;  // RISC-V mcause-style code (cross_arch::TrapCause)
  std::uint64_t tval = 0;   // faulting address or instruction bits
  std::uint64_t pc = 0;     // pc of the trapping instruction
};

// Why Run() returned; bit flags so several can be reported at once.
enum class HaltReason : std::uint32_t {
  kNone = 0,
  kInstructionLimit = 1u << 0,
  kEcall = 1u << 1,      // pc is at the ecall; the environment handles it
  kBreakpoint = 1u << 2,
  kFault = 1u << 3,      // see last_trap()
  kExit = 1u << 4,
  kInterruptPending = 1u << 5,
  kCodeInvalidated = 1u << 6,  // fence.i executed; pc is after it
};
constexpr HaltReason operator|(HaltReason a, HaltReason b) {
  return static_cast<HaltReason>(static_cast<std::uint32_t>(a) | static_cast<std::uint32_t>(b));
}
constexpr bool any(HaltReason r, HaltReason mask) {
  return (static_cast<std::uint32_t>(r) & static_cast<std::uint32_t>(mask)) != 0;
}

}  // namespace vm::engine
