// Exact RISC-V F and D extension semantics (IEEE 754 with RISC-V's choices:
// canonical NaNs, tininess after rounding, RMM) as pure functions on raw bits.
#pragma once

#include <cstdint>

#include "vm/cross_arch/export.hpp"
#include "vm/cross_arch/ir/op.hpp"

namespace vm::cross_arch::riscv::fp {

// fflags bits, in the order of the fcsr.fflags field.
inline constexpr std::uint32_t kFlagNX = 1;   // inexact
inline constexpr std::uint32_t kFlagUF = 2;   // underflow
inline constexpr std::uint32_t kFlagOF = 4;   // overflow
inline constexpr std::uint32_t kFlagDZ = 8;   // divide by zero
inline constexpr std::uint32_t kFlagNV = 16;  // invalid operation

// fcsr's frm field (bits 5..7): zero when ops with the dynamic rounding
// mode round to nearest, even.
inline constexpr std::uint32_t kFcsrFrmMask = 0xe0;

// Resolved rounding modes (the rm field values 0..4).
inline constexpr unsigned kRoundNearestEven = 0;  // RNE
inline constexpr unsigned kRoundTowardZero = 1;   // RTZ
inline constexpr unsigned kRoundDown = 2;         // RDN, toward -inf
inline constexpr unsigned kRoundUp = 3;           // RUP, toward +inf
inline constexpr unsigned kRoundNearestMax = 4;   // RMM, ties away from zero

inline constexpr std::uint32_t kCanonicalNaN32 = 0x7fc00000u;
inline constexpr std::uint64_t kCanonicalNaN64 = 0x7ff8000000000000ull;

// Executes one FP1/FP2/FP3-format IR op.
//   rm: a resolved rounding mode 0..4. The caller resolves dynamic rm (7) from
//       fcsr.frm and raises illegal-instruction for 5/6 or an invalid frm; ops
//       that do not round ignore rm.
//   flags: accumulated fflags; new exception flags are OR-ed in.
//   a, b, c: raw 64-bit register contents (f registers hold NaN-boxed singles;
//       integer sources of fcvt.s.w etc. and fmv.w.x are plain x values).
// Returns the raw 64-bit destination value: singles NaN-boxed; feq/flt/fle 0
// or 1; fclass a 10-bit mask; fcvt.w[u].* and fmv.x.w the 32-bit result
// sign-extended to 64 bits; fcvt.l[u].* the 64-bit result.
// Precondition: handles(op); any other op returns 0 and leaves flags alone.
// On x86-64 with FMA3, ordinary operands take a fast path: the host FPU's
// round-to-nearest result plus an exact error term gives every rounding mode
// without changing the host rounding mode. It is used only while the calling
// thread's MXCSR has its default control bits, and may set the host's sticky
// MXCSR status flags. Special operands, results near underflow/overflow and
// other hosts use the software implementation; both give identical bits and
// flags.
VM_CROSS_ARCH_API std::uint64_t execute(ir::Opcode op, std::uint64_t a, std::uint64_t b, std::uint64_t c, unsigned rm,
                                        std::uint32_t& flags) noexcept;

// Same contract as execute(), computed entirely in software (host independent,
// never touches the host FPU state): the reference the host path is tested
// against, and usable where the host FPU must not be used.
VM_CROSS_ARCH_API std::uint64_t execute_soft(ir::Opcode op, std::uint64_t a, std::uint64_t b, std::uint64_t c,
                                             unsigned rm, std::uint32_t& flags) noexcept;

// True for every opcode execute() handles: all FP1/FP2/FP3-format ops.
VM_CROSS_ARCH_API bool handles(ir::Opcode op) noexcept;

constexpr std::uint64_t nan_box(std::uint32_t bits) { return 0xffffffff00000000ull | bits; }

// Unboxes a single: an improperly boxed value reads as the canonical NaN.
constexpr std::uint32_t unbox(std::uint64_t v) {
  return (v >> 32) == 0xffffffffu ? static_cast<std::uint32_t>(v) : kCanonicalNaN32;
}

}  // namespace vm::cross_arch::riscv::fp
