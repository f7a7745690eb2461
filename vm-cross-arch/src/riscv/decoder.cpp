#include "vm/cross_arch/riscv/decoder.hpp"

#include "riscv/bits.hpp"
#include "riscv/compressed.hpp"
#include "riscv/pattern_index.hpp"

namespace vm::cross_arch::riscv {
namespace {

constexpr std::size_t kRows = kInsnCount - 1;  // table rows, without kIllegal

constexpr std::array<Pattern, kRows> kPatterns = [] {
  std::array<Pattern, kRows> patterns{};
  for (std::size_t i = 0; i < kRows; ++i) {
    const InsnInfo& info = table_detail::kInsns[i + 1];
    patterns[i] = {info.match, info.mask};
  }
  return patterns;
}();

// Bucket key: major opcode (bits 6:2) and funct3 (bits 14:12).
constexpr std::uint32_t kKeyMask = 0x707c;
constexpr std::size_t bucket_of(std::uint32_t word) { return (bits(word, 6, 2) << 3) | bits(word, 14, 12); }

constexpr auto kIndex = build_pattern_index<256>(kPatterns, kKeyMask, [](std::size_t b) {
  return static_cast<std::uint32_t>(((b >> 3) << 2) | ((b & 7) << 12) | 3);
});

std::int64_t immediate(ImmKind kind, std::uint32_t w) {
  switch (kind) {
    case ImmKind::I12:
      return sext(w >> 20, 12);
    case ImmKind::S12:
      return sext((bits(w, 31, 25) << 5) | bits(w, 11, 7), 12);
    case ImmKind::B13:
      return sext((bit(w, 31) << 12) | (bit(w, 7) << 11) | (bits(w, 30, 25) << 5) | (bits(w, 11, 8) << 1), 13);
    case ImmKind::U20:
      return sext(w & 0xfffff000u, 32);
    case ImmKind::J21:
      return sext((bit(w, 31) << 20) | (bits(w, 19, 12) << 12) | (bit(w, 20) << 11) | (bits(w, 30, 21) << 1), 21);
    case ImmKind::Shamt6:
      return bits(w, 25, 20);
    case ImmKind::Shamt5:
      return bits(w, 24, 20);
    case ImmKind::CsrUimm:
      return bits(w, 19, 15);
    case ImmKind::Fence:
      return bits(w, 31, 20);
    case ImmKind::Csr:
    case ImmKind::None:
      return 0;
  }
  return 0;
}

DecodedInsn fill_fields(InsnId id, std::uint32_t w) {
  const OperandFormat format = insn_info(id).format;
  const FormatInfo& f = format_info(format);
  DecodedInsn d;
  d.raw = w;
  d.length = 4;
  if (f.has_rm) {
    d.rm = static_cast<std::uint8_t>(bits(w, 14, 12));
    if (d.rm == 5 || d.rm == 6) return d;  // reserved rounding modes
  }
  d.id = id;
  if (f.rd != RegClass::kNone) d.rd = static_cast<std::uint8_t>(bits(w, 11, 7));
  if (f.rs1 != RegClass::kNone) d.rs1 = static_cast<std::uint8_t>(bits(w, 19, 15));
  if (f.rs2 != RegClass::kNone) d.rs2 = static_cast<std::uint8_t>(bits(w, 24, 20));
  if (f.rs3 != RegClass::kNone) d.rs3 = static_cast<std::uint8_t>(bits(w, 31, 27));
  if (format == OperandFormat::Amo || format == OperandFormat::Lr) {
    d.aq = bit(w, 26) != 0;
    d.rl = bit(w, 25) != 0;
  }
  if (f.imm == ImmKind::Csr || f.imm == ImmKind::CsrUimm) d.csr = static_cast<std::uint16_t>(bits(w, 31, 20));
  d.imm = immediate(f.imm, w);
  return d;
}

}  // namespace

unsigned insn_length(std::uint16_t first_parcel) noexcept { return (first_parcel & 3) == 3 ? 4 : 2; }

DecodedInsn decode(std::uint32_t raw) noexcept {
  if ((raw & 3) != 3) return decode_compressed(static_cast<std::uint16_t>(raw));
  const std::size_t bucket = bucket_of(raw);
  for (std::size_t i = kIndex.begin[bucket]; i < kIndex.begin[bucket + 1]; ++i) {
    const Pattern& p = kPatterns[kIndex.rows[i]];
    if ((raw & p.mask) == p.match) return fill_fields(static_cast<InsnId>(kIndex.rows[i] + 1), raw);
  }
  DecodedInsn illegal;
  illegal.raw = raw;
  illegal.length = 4;
  return illegal;
}

}  // namespace vm::cross_arch::riscv
