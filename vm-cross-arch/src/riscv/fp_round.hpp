// Private: rounding primitives shared by the software arithmetic and the
// float-to-integer conversions.
#pragma once

#include <cstdint>

#include "riscv/fp_format.hpp"

namespace vm::cross_arch::riscv::fp {

// Where the discarded low bits of a value lie relative to half an ulp of the
// kept part.
enum class Tail : std::uint8_t { kExact, kBelowHalf, kHalf, kAboveHalf };

struct Split {
  std::uint64_t kept;
  Tail tail;
};

// Splits x into x >> shift and the class of the shifted-out bits (shift >= 0,
// any size).
Split split_low_bits(std::uint64_t x, int shift) noexcept;

// Whether rounding mode rm moves the kept magnitude up by one ulp.
bool rounds_away(Tail tail, bool kept_is_odd, bool negative, unsigned rm) noexcept;

// Rounds sign * sig * 2^exp (sig != 0, any magnitude) to the format with the
// RISC-V rounding mode rm, raising NX/UF/OF as IEEE 754 specifies with
// tininess detected after rounding. Low bits of sig may be "jammed" (a set
// bit 0 standing for any non-zero tail) provided sig carries at least p + 2
// significant bits, so the jam lies below the rounding position.
template <class F>
typename F::Bits round_pack(bool sign, int exp, u128 sig, unsigned rm, std::uint32_t& flags) noexcept;

}  // namespace vm::cross_arch::riscv::fp
