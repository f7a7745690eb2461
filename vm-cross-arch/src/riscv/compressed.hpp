// The RVC table (CINSN rows of instructions.inc) and the expansion of a
// 16-bit parcel into the fields of its 32-bit equivalent.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "vm/cross_arch/riscv/decoder.hpp"

namespace vm::cross_arch::riscv {

// How a compressed instruction's fields are scattered, and which of its
// encodings are reserved.
enum class CompressedFormat : std::uint8_t {
  CAddi4spn,
  CLoadW,
  CLoadD,
  CStoreW,
  CStoreD,
  CAddi,
  CAddiw,
  CLi,
  CAddi16sp,
  CLui,
  CShiftR,
  CAndi,
  CArith,
  CJump,
  CBranch,
  CShiftL,
  CFldsp,
  CLwsp,
  CLdsp,
  CJr,
  CMv,
  CEbreak,
  CJalr,
  CAdd,
  CSdsp,
  CSwsp,
};

struct CompressedInfo {
  std::string_view mnemonic;
  std::uint16_t match;
  std::uint16_t mask;
  CompressedFormat format;
  InsnId expands_to;
};

inline constexpr std::array kCompressedInsns = {
#define CINSN(id, mnemonic, match, mask, format, expands_to) \
  CompressedInfo{mnemonic, match, mask, CompressedFormat::format, InsnId::expands_to},
#include "vm/cross_arch/riscv/instructions.inc"
};

// Decodes a 16-bit parcel (low two bits != 0b11).
DecodedInsn decode_compressed(std::uint16_t parcel) noexcept;

// The table row a parcel matches first, or nullptr.
const CompressedInfo* compressed_row(std::uint16_t parcel) noexcept;

}  // namespace vm::cross_arch::riscv
