// How the lockstep generator and oracle treat each RV64GC instruction: which
// ones touch memory (and how wide), which transfer control, and which carry
// single-precision values, all derived from the decoder's instruction table.
#pragma once

#include <cstdint>

#include "vm/cross_arch/riscv/insn_table.hpp"

namespace vm::lockstep {

namespace rv = vm::cross_arch::riscv;

enum class InsnClass : std::uint8_t {
  kPlain,   // register-to-register work, fence
  kLoad,    // lb..ld, flw, fld
  kStore,   // sb..sd, fsw, fsd
  kAmo,     // amo*.w/d
  kLr,      // lr.w/d
  kSc,      // sc.w/d
  kBranch,  // beq..bgeu
  kJal,
  kJalr,
  kCsr,       // csrr*
  kExcluded,  // ecall, ebreak, fence.i, illegal: never generated
};

InsnClass classify(rv::InsnId id);

// Bytes accessed by a load, store, AMO, LR or SC (from the funct3 width bits).
unsigned access_size(rv::InsnId id);

// The instruction's FP source operands are singles (they must be NaN-boxed).
bool reads_single(rv::InsnId id);
// The instruction writes a single into an FP register (which must be NaN-boxed).
bool writes_single(rv::InsnId id);

bool is_fmin_fmax(rv::InsnId id);
// fmadd, fmsub, fnmsub, fnmadd (.s and .d).
bool is_fused_multiply_add(rv::InsnId id);

}  // namespace vm::lockstep
