#include "riscv/bits.hpp"
#include "riscv/compressed.hpp"
#include "riscv/pattern_index.hpp"

namespace vm::cross_arch::riscv {
namespace {

constexpr std::size_t kRows = kCompressedInsns.size();

constexpr std::array<Pattern, kRows> kPatterns = [] {
  std::array<Pattern, kRows> patterns{};
  for (std::size_t i = 0; i < kRows; ++i) patterns[i] = {kCompressedInsns[i].match, kCompressedInsns[i].mask};
  return patterns;
}();

// Bucket key: quadrant (bits 1:0) and funct3 (bits 15:13).
constexpr std::uint32_t kKeyMask = 0xe003;
constexpr std::size_t bucket_of(std::uint32_t p) { return (bits(p, 15, 13) << 2) | bits(p, 1, 0); }
constexpr auto kIndex = build_pattern_index<32>(
    kPatterns, kKeyMask, [](std::size_t b) { return static_cast<std::uint32_t>(((b >> 2) << 13) | (b & 3)); });

// Register fields of the 3-bit (x8..x15) forms.
constexpr std::uint8_t reg_prime(std::uint32_t field) { return static_cast<std::uint8_t>(8 + field); }

// CI-format 6-bit signed immediate: imm[5] = bit 12, imm[4:0] = bits 6:2.
std::int64_t ci_imm(std::uint32_t p) { return sext((bit(p, 12) << 5) | bits(p, 6, 2), 6); }
std::uint32_t ci_shamt(std::uint32_t p) { return (bit(p, 12) << 5) | bits(p, 6, 2); }
std::uint32_t cl_w_offset(std::uint32_t p) { return (bits(p, 12, 10) << 3) | (bit(p, 6) << 2) | (bit(p, 5) << 6); }
std::uint32_t cl_d_offset(std::uint32_t p) { return (bits(p, 12, 10) << 3) | (bits(p, 6, 5) << 6); }

// Fills `d` from parcel p; returns false for reserved encodings.
bool expand(CompressedFormat format, std::uint32_t p, DecodedInsn& d) {
  const auto rd_full = static_cast<std::uint8_t>(bits(p, 11, 7));
  const auto rs2_full = static_cast<std::uint8_t>(bits(p, 6, 2));
  switch (format) {
    case CompressedFormat::CAddi4spn:
      d.rd = reg_prime(bits(p, 4, 2));
      d.rs1 = 2;
      d.imm = (bits(p, 12, 11) << 4) | (bits(p, 10, 7) << 6) | (bit(p, 6) << 2) | (bit(p, 5) << 3);
      return d.imm != 0;
    case CompressedFormat::CLoadW:
    case CompressedFormat::CLoadD:
      d.rd = reg_prime(bits(p, 4, 2));
      d.rs1 = reg_prime(bits(p, 9, 7));
      d.imm = format == CompressedFormat::CLoadW ? cl_w_offset(p) : cl_d_offset(p);
      return true;
    case CompressedFormat::CStoreW:
    case CompressedFormat::CStoreD:
      d.rs1 = reg_prime(bits(p, 9, 7));
      d.rs2 = reg_prime(bits(p, 4, 2));
      d.imm = format == CompressedFormat::CStoreW ? cl_w_offset(p) : cl_d_offset(p);
      return true;
    case CompressedFormat::CAddi:  // rd = x0 is c.nop or a HINT
      d.rd = d.rs1 = rd_full;
      d.imm = ci_imm(p);
      return true;
    case CompressedFormat::CAddiw:
      d.rd = d.rs1 = rd_full;
      d.imm = ci_imm(p);
      return rd_full != 0;
    case CompressedFormat::CLi:  // rd = x0 is a HINT
      d.rd = rd_full;
      d.imm = ci_imm(p);
      return true;
    case CompressedFormat::CAddi16sp:
      d.rd = d.rs1 = 2;
      d.imm =
          sext((bit(p, 12) << 9) | (bit(p, 6) << 4) | (bit(p, 5) << 6) | (bits(p, 4, 3) << 7) | (bit(p, 2) << 5), 10);
      return d.imm != 0;
    case CompressedFormat::CLui:  // rd = x0 is a HINT; a zero immediate is reserved
      d.rd = rd_full;
      d.imm = sext((bit(p, 12) << 17) | (bits(p, 6, 2) << 12), 18);
      return d.imm != 0;
    case CompressedFormat::CShiftR:  // RV64: shamt[5] is valid; shamt = 0 is a HINT
      d.rd = d.rs1 = reg_prime(bits(p, 9, 7));
      d.imm = ci_shamt(p);
      return true;
    case CompressedFormat::CAndi:
      d.rd = d.rs1 = reg_prime(bits(p, 9, 7));
      d.imm = ci_imm(p);
      return true;
    case CompressedFormat::CArith:
      d.rd = d.rs1 = reg_prime(bits(p, 9, 7));
      d.rs2 = reg_prime(bits(p, 4, 2));
      return true;
    case CompressedFormat::CJump:
      d.imm = sext((bit(p, 12) << 11) | (bit(p, 11) << 4) | (bits(p, 10, 9) << 8) | (bit(p, 8) << 10) |
                       (bit(p, 7) << 6) | (bit(p, 6) << 7) | (bits(p, 5, 3) << 1) | (bit(p, 2) << 5),
                   12);
      return true;
    case CompressedFormat::CBranch:
      d.rs1 = reg_prime(bits(p, 9, 7));
      d.imm = sext(
          (bit(p, 12) << 8) | (bits(p, 11, 10) << 3) | (bits(p, 6, 5) << 6) | (bits(p, 4, 3) << 1) | (bit(p, 2) << 5),
          9);
      return true;
    case CompressedFormat::CShiftL:  // rd = x0 or shamt = 0 is a HINT
      d.rd = d.rs1 = rd_full;
      d.imm = ci_shamt(p);
      return true;
    case CompressedFormat::CFldsp:
    case CompressedFormat::CLdsp:
      d.rd = rd_full;
      d.rs1 = 2;
      d.imm = (bit(p, 12) << 5) | (bits(p, 6, 5) << 3) | (bits(p, 4, 2) << 6);
      return format == CompressedFormat::CFldsp || rd_full != 0;  // f0 is a fine target
    case CompressedFormat::CLwsp:
      d.rd = rd_full;
      d.rs1 = 2;
      d.imm = (bit(p, 12) << 5) | (bits(p, 6, 4) << 2) | (bits(p, 3, 2) << 6);
      return rd_full != 0;
    case CompressedFormat::CJr:
      d.rs1 = rd_full;
      return rd_full != 0;
    case CompressedFormat::CMv:  // rd = x0 is a HINT
      d.rd = rd_full;
      d.rs2 = rs2_full;
      return true;
    case CompressedFormat::CEbreak:
      return true;
    case CompressedFormat::CJalr:
      d.rd = 1;
      d.rs1 = rd_full;
      return true;
    case CompressedFormat::CAdd:  // rd = x0 is a HINT
      d.rd = d.rs1 = rd_full;
      d.rs2 = rs2_full;
      return true;
    case CompressedFormat::CSdsp:
      d.rs1 = 2;
      d.rs2 = rs2_full;
      d.imm = (bits(p, 12, 10) << 3) | (bits(p, 9, 7) << 6);
      return true;
    case CompressedFormat::CSwsp:
      d.rs1 = 2;
      d.rs2 = rs2_full;
      d.imm = (bits(p, 12, 9) << 2) | (bits(p, 8, 7) << 6);
      return true;
  }
  return false;
}

}  // namespace

const CompressedInfo* compressed_row(std::uint16_t parcel) noexcept {
  const std::size_t bucket = bucket_of(parcel);
  for (std::size_t i = kIndex.begin[bucket]; i < kIndex.begin[bucket + 1]; ++i) {
    const CompressedInfo& info = kCompressedInsns[kIndex.rows[i]];
    if ((parcel & info.mask) == info.match) return &info;
  }
  return nullptr;
}

DecodedInsn decode_compressed(std::uint16_t parcel) noexcept {
  DecodedInsn d;
  d.raw = parcel;
  d.length = 2;
  const CompressedInfo* row = compressed_row(parcel);
  if (row == nullptr) return d;
  if (expand(row->format, parcel, d))
    d.id = row->expands_to;
  else
    d = DecodedInsn{InsnId::kIllegal, parcel, 2};
  return d;
}

}  // namespace vm::cross_arch::riscv
