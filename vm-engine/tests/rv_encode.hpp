// Minimal RISC-V instruction encoders for engine tests (independent of the
// frontend under test, so a decoder bug cannot hide an interpreter bug).
#pragma once

#include <cstdint>

namespace rv {

constexpr std::uint32_t r(std::uint32_t f7, std::uint32_t rs2, std::uint32_t rs1, std::uint32_t f3, std::uint32_t rd,
                          std::uint32_t opc) {
  return (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opc;
}
constexpr std::uint32_t i(std::int32_t imm, std::uint32_t rs1, std::uint32_t f3, std::uint32_t rd, std::uint32_t opc) {
  return (static_cast<std::uint32_t>(imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opc;
}
constexpr std::uint32_t s(std::int32_t imm, std::uint32_t rs2, std::uint32_t rs1, std::uint32_t f3,
                          std::uint32_t opc = 0x23) {
  const auto u = static_cast<std::uint32_t>(imm);
  return (((u >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((u & 0x1f) << 7) | opc;
}
constexpr std::uint32_t b(std::int32_t off, std::uint32_t rs2, std::uint32_t rs1, std::uint32_t f3) {
  const auto u = static_cast<std::uint32_t>(off);
  return (((u >> 12) & 1) << 31) | (((u >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) |
         (((u >> 1) & 0xf) << 8) | (((u >> 11) & 1) << 7) | 0x63;
}
constexpr std::uint32_t addi(unsigned rd, unsigned rs1, int imm) { return i(imm, rs1, 0, rd, 0x13); }
constexpr std::uint32_t add(unsigned rd, unsigned rs1, unsigned rs2) { return r(0, rs2, rs1, 0, rd, 0x33); }
constexpr std::uint32_t div(unsigned rd, unsigned rs1, unsigned rs2) { return r(1, rs2, rs1, 4, rd, 0x33); }
constexpr std::uint32_t sub(unsigned rd, unsigned rs1, unsigned rs2) { return r(0x20, rs2, rs1, 0, rd, 0x33); }
constexpr std::uint32_t xor_(unsigned rd, unsigned rs1, unsigned rs2) { return r(0, rs2, rs1, 4, rd, 0x33); }
constexpr std::uint32_t slt(unsigned rd, unsigned rs1, unsigned rs2) { return r(0, rs2, rs1, 2, rd, 0x33); }
constexpr std::uint32_t sltu(unsigned rd, unsigned rs1, unsigned rs2) { return r(0, rs2, rs1, 3, rd, 0x33); }
constexpr std::uint32_t mul(unsigned rd, unsigned rs1, unsigned rs2) { return r(1, rs2, rs1, 0, rd, 0x33); }
constexpr std::uint32_t remu(unsigned rd, unsigned rs1, unsigned rs2) { return r(1, rs2, rs1, 7, rd, 0x33); }
constexpr std::uint32_t rem(unsigned rd, unsigned rs1, unsigned rs2) { return r(1, rs2, rs1, 6, rd, 0x33); }
constexpr std::uint32_t mulhsu(unsigned rd, unsigned rs1, unsigned rs2) { return r(1, rs2, rs1, 2, rd, 0x33); }
constexpr std::uint32_t slli(unsigned rd, unsigned rs1, unsigned sh) {
  return i(static_cast<int>(sh), rs1, 1, rd, 0x13);
}
constexpr std::uint32_t addiw(unsigned rd, unsigned rs1, int imm) { return i(imm, rs1, 0, rd, 0x1b); }
constexpr std::uint32_t ld(unsigned rd, unsigned rs1, int imm) { return i(imm, rs1, 3, rd, 0x03); }
constexpr std::uint32_t sd(unsigned rs2, unsigned rs1, int imm) { return s(imm, rs2, rs1, 3); }
constexpr std::uint32_t lbu(unsigned rd, unsigned rs1, int imm) { return i(imm, rs1, 4, rd, 0x03); }
constexpr std::uint32_t sb(unsigned rs2, unsigned rs1, int imm) { return s(imm, rs2, rs1, 0); }
constexpr std::uint32_t beq(unsigned rs1, unsigned rs2, int off) { return b(off, rs2, rs1, 0); }
constexpr std::uint32_t bne(unsigned rs1, unsigned rs2, int off) { return b(off, rs2, rs1, 1); }
constexpr std::uint32_t blt(unsigned rs1, unsigned rs2, int off) { return b(off, rs2, rs1, 4); }
constexpr std::uint32_t bge(unsigned rs1, unsigned rs2, int off) { return b(off, rs2, rs1, 5); }
constexpr std::uint32_t jal(unsigned rd, std::int32_t off) {
  const auto u = static_cast<std::uint32_t>(off);
  return (((u >> 20) & 1) << 31) | (((u >> 1) & 0x3ff) << 21) | (((u >> 11) & 1) << 20) | (((u >> 12) & 0xff) << 12) |
         (rd << 7) | 0x6f;
}
constexpr std::uint32_t jalr(unsigned rd, unsigned rs1, int imm) { return i(imm, rs1, 0, rd, 0x67); }
constexpr std::uint32_t lui(unsigned rd, std::uint32_t imm20) { return (imm20 << 12) | (rd << 7) | 0x37; }
constexpr std::uint32_t auipc(unsigned rd, std::uint32_t imm20) { return (imm20 << 12) | (rd << 7) | 0x17; }
constexpr std::uint32_t ecall() { return 0x00000073; }
constexpr std::uint32_t ebreak() { return 0x00100073; }
constexpr std::uint32_t fence_i() { return 0x0000100f; }
constexpr std::uint32_t csrrs(unsigned rd, unsigned csr, unsigned rs1) {
  return (csr << 20) | (rs1 << 15) | (2 << 12) | (rd << 7) | 0x73;
}
constexpr std::uint32_t csrrw(unsigned rd, unsigned csr, unsigned rs1) {
  return (csr << 20) | (rs1 << 15) | (1 << 12) | (rd << 7) | 0x73;
}
// Double-precision arithmetic; rm 7 rounds by frm (the dynamic mode).
constexpr std::uint32_t fadd_d(unsigned rd, unsigned rs1, unsigned rs2, unsigned rm = 7) {
  return r(0x01, rs2, rs1, rm, rd, 0x53);
}
constexpr std::uint32_t fmul_d(unsigned rd, unsigned rs1, unsigned rs2, unsigned rm = 7) {
  return r(0x09, rs2, rs1, rm, rd, 0x53);
}
constexpr std::uint32_t fdiv_d(unsigned rd, unsigned rs1, unsigned rs2, unsigned rm = 7) {
  return r(0x0d, rs2, rs1, rm, rd, 0x53);
}
constexpr std::uint32_t fld(unsigned rd, unsigned rs1, int imm) { return i(imm, rs1, 3, rd, 0x07); }
constexpr std::uint32_t fsd(unsigned rs2, unsigned rs1, int imm) { return s(imm, rs2, rs1, 3, 0x27); }
constexpr std::uint32_t fmin_d(unsigned rd, unsigned rs1, unsigned rs2) { return r(0x15, rs2, rs1, 0, rd, 0x53); }
constexpr std::uint32_t fsgnjn_d(unsigned rd, unsigned rs1, unsigned rs2) { return r(0x11, rs2, rs1, 1, rd, 0x53); }
constexpr std::uint32_t flt_d(unsigned rd, unsigned rs1, unsigned rs2) { return r(0x51, rs2, rs1, 1, rd, 0x53); }
constexpr std::uint32_t amoadd_w(unsigned rd, unsigned rs1, unsigned rs2) { return r(0, rs2, rs1, 2, rd, 0x2f); }
constexpr std::uint32_t lr_d(unsigned rd, unsigned rs1) { return r(0x08, 0, rs1, 3, rd, 0x2f); }
constexpr std::uint32_t sc_d(unsigned rd, unsigned rs1, unsigned rs2) { return r(0x0c, rs2, rs1, 3, rd, 0x2f); }

}  // namespace rv
