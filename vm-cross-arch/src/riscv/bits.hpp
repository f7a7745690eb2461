// Bit-field helpers shared by the decoder and the encoder.
#pragma once

#include <cstdint>

namespace vm::cross_arch::riscv {

constexpr std::uint32_t bits(std::uint32_t word, unsigned hi, unsigned lo) {
  return (word >> lo) & ((1u << (hi - lo + 1)) - 1);
}

constexpr std::uint32_t bit(std::uint32_t word, unsigned n) { return (word >> n) & 1u; }

// Sign-extends the low `width` bits of value.
constexpr std::int64_t sext(std::uint64_t value, unsigned width) {
  const std::uint64_t sign = std::uint64_t{1} << (width - 1);
  value &= (sign << 1) - 1;
  return static_cast<std::int64_t>((value ^ sign) - sign);
}

}  // namespace vm::cross_arch::riscv
