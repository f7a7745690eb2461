// A small x86-64 machine-code emitter: just the instructions the baseline
// compiler needs, each encoded by hand from the Intel SDM tables. Memory
// operands are [base + disp32] or [base + index + disp32]; branches use
// rel32 and labels that are patched when bound, so the code is
// position-independent (absolute addresses are loaded as 64-bit
// immediates) and may be copied anywhere once finished.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

namespace vm::engine::jit::x64 {

enum Reg : std::uint8_t { rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15 };

// Condition codes (the low nibble of Jcc / SETcc).
enum Cond : std::uint8_t {
  kOverflow = 0x0,
  kBelow = 0x2,       // unsigned <
  kAboveEqual = 0x3,  // unsigned >=
  kEqual = 0x4,
  kNotEqual = 0x5,
  kBelowEqual = 0x6,  // unsigned <=
  kAbove = 0x7,       // unsigned >
  kParity = 0xa,      // after (u)comisd: unordered
  kNotParity = 0xb,
  kLess = 0xc,          // signed <
  kGreaterEqual = 0xd,  // signed >=
  kLessEqual = 0xe,
  kGreater = 0xf,
};

struct Mem {
  Reg base;
  std::int32_t disp = 0;
  bool has_index = false;
  Reg index = rax;
  std::uint8_t scale = 0;  // log2
};
inline Mem at(Reg base, std::int32_t disp = 0) { return Mem{base, disp}; }
inline Mem at_index(Reg base, Reg index, std::uint8_t log2_scale, std::int32_t disp = 0) {
  return Mem{base, disp, true, index, log2_scale};
}

// ALU operations sharing the classic encoding: opcode 8*n+1 (r/m, r),
// 8*n+3 (r, r/m) and 81/83 /n (r/m, imm).
enum class Alu : std::uint8_t { kAdd = 0, kOr = 1, kAnd = 4, kSub = 5, kXor = 6, kCmp = 7 };
enum class Shift : std::uint8_t { kShl = 4, kShr = 5, kSar = 7 };
// Scalar double arithmetic (F2 0F xx): x = x op b, or x = sqrt(b).
enum class Sd : std::uint8_t { kAdd = 0x58, kMul = 0x59, kSub = 0x5c, kDiv = 0x5e, kSqrt = 0x51 };
// XMM register n, passed where a Reg is expected.
constexpr Reg xmm(unsigned n) { return static_cast<Reg>(n); }

class Label {
 public:
  bool bound() const { return pos_ >= 0; }

 private:
  friend class Assembler;
  std::int64_t pos_ = -1;
  std::vector<std::size_t> uses_;  // offsets of rel32 fields to patch
};

inline bool fits_i32(std::int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }
inline bool fits_i8(std::int64_t v) { return v >= -128 && v <= 127; }

class Assembler {
 public:
  const std::vector<std::uint8_t>& code() const { return code_; }
  std::size_t size() const { return code_.size(); }

  // ---- moves ----------------------------------------------------------------
  void mov(Reg dst, Reg src) { op_rr(0x89, src, dst, true); }
  void mov32(Reg dst, Reg src) { op_rr(0x89, src, dst, false); }  // zero-extends
  void load64(Reg dst, Mem m) { op_rm(0x8b, dst, m, true); }
  void load32(Reg dst, Mem m) { op_rm(0x8b, dst, m, false); }  // zero-extends
  void load_u8(Reg dst, Mem m) { op_rm2(0xb6, dst, m, false); }
  void load_u16(Reg dst, Mem m) { op_rm2(0xb7, dst, m, false); }
  void load_s8(Reg dst, Mem m) { op_rm2(0xbe, dst, m, true); }
  void load_s16(Reg dst, Mem m) { op_rm2(0xbf, dst, m, true); }
  void load_s32(Reg dst, Mem m) { op_rm(0x63, dst, m, true); }  // movsxd
  void store64(Mem m, Reg src) { op_rm(0x89, src, m, true); }
  void store32(Mem m, Reg src) { op_rm(0x89, src, m, false); }
  void store16(Mem m, Reg src) {
    byte(0x66);
    op_rm(0x89, src, m, false);
  }
  void store8(Mem m, Reg src) { op_rm(0x88, src, m, false, /*byte_reg=*/true); }
  void store64_imm(Mem m, std::int32_t imm) {
    op_rm(0xc7, static_cast<Reg>(0), m, true);
    imm32(imm);
  }
  // dst = imm, in the shortest encoding.
  void mov_imm(Reg dst, std::uint64_t imm) {
    if (imm == 0) {
      alu32(Alu::kXor, dst, dst);
    } else if (imm <= 0xffffffffull) {
      rex(false, 0, 0, dst);
      byte(0xb8 + (dst & 7));
      imm32(static_cast<std::uint32_t>(imm));
    } else if (fits_i32(static_cast<std::int64_t>(imm))) {
      rex(true, 0, 0, dst, true);
      byte(0xc7);
      modrm(3, 0, dst);
      imm32(static_cast<std::uint32_t>(imm));
    } else {
      rex(true, 0, 0, dst, true);
      byte(0xb8 + (dst & 7));
      imm64(imm);
    }
  }
  void movsxd(Reg dst, Reg src) { op_rr(0x63, dst, src, true); }  // dst = sext(src[31:0])
  void movzx8(Reg dst, Reg src) {                                 // dst = zext(src[7:0])
    rex(false, dst, 0, src, src >= rsp);
    byte(0x0f);
    byte(0xb6);
    modrm(3, dst, src);
  }
  void lea(Reg dst, Mem m) { op_rm(0x8d, dst, m, true); }

  // ---- arithmetic -------------------------------------------------------------
  void alu(Alu op, Reg dst, Reg src) { op_rr(static_cast<std::uint8_t>(op) * 8 + 1, src, dst, true); }
  void alu32(Alu op, Reg dst, Reg src) { op_rr(static_cast<std::uint8_t>(op) * 8 + 1, src, dst, false); }
  void alu(Alu op, Reg dst, Mem m) { op_rm(static_cast<std::uint8_t>(op) * 8 + 3, dst, m, true); }
  void alu32(Alu op, Reg dst, Mem m) { op_rm(static_cast<std::uint8_t>(op) * 8 + 3, dst, m, false); }
  void alu_imm(Alu op, Reg dst, std::int32_t imm, bool wide = true) {
    rex(wide, 0, 0, dst);
    alu_imm_tail(op, imm, [&] { modrm(3, static_cast<std::uint8_t>(op), dst); });
  }
  void alu_imm(Alu op, Mem m, std::int32_t imm, bool wide = true) {
    emit_rex_for(wide, 0, m);
    alu_imm_tail(op, imm, [&] { mem_operand(static_cast<std::uint8_t>(op), m); });
  }
  void test(Reg a, Reg b) { op_rr(0x85, b, a, true); }
  void test32(Reg a, Reg b) { op_rr(0x85, b, a, false); }
  void imul(Reg dst, Reg src) { op_rr2(0xaf, dst, src, true); }
  void imul32(Reg dst, Reg src) { op_rr2(0xaf, dst, src, false); }
  // One-operand group 3 (F7 /n): mul 4, imul 5, div 6, idiv 7, neg 3.
  void mul_wide(Reg src) { group3(4, src, true); }   // rdx:rax = rax * src (unsigned)
  void imul_wide(Reg src) { group3(5, src, true); }  // signed
  void div(Reg src, bool wide) { group3(6, src, wide); }
  void idiv(Reg src, bool wide) { group3(7, src, wide); }
  void neg(Reg r, bool wide = true) { group3(3, r, wide); }
  void cqo() {
    byte(0x48);
    byte(0x99);
  }
  void cdq() { byte(0x99); }
  void shift_cl(Shift s, Reg r, bool wide) {
    rex(wide, 0, 0, r);
    byte(0xd3);
    modrm(3, static_cast<std::uint8_t>(s), r);
  }
  void shift_imm(Shift s, Reg r, std::uint8_t count, bool wide) {
    rex(wide, 0, 0, r);
    byte(0xc1);
    modrm(3, static_cast<std::uint8_t>(s), r);
    byte(count);
  }
  void setcc(Cond c, Reg r) {  // r8 = cond (al, cl, dl, bl or with REX)
    rex(false, 0, 0, r, r >= rsp);
    byte(0x0f);
    byte(0x90 + c);
    modrm(3, 0, r);
  }

  // ---- scalar SSE2 (double) ----------------------------------------------------
  // Registers are XMM numbers 0..15 passed as Reg values.
  void movsd_load(Reg xmm, Mem m) { sse(0xf2, 0x10, xmm, m); }
  void movsd_store(Mem m, Reg xmm) { sse(0xf2, 0x11, xmm, m); }
  void sd(Sd op, Reg x, Mem m) { sse(0xf2, static_cast<std::uint8_t>(op), x, m); }
  // The same with b in an XMM register (values kept in XMM registers).
  void sd(Sd op, Reg x, Reg b) { sse_rr(0xf2, static_cast<std::uint8_t>(op), x, b); }
  void ucomisd(Reg xmm, Mem m) { sse(0x66, 0x2e, xmm, m); }  // quiet compare
  void comisd(Reg xmm, Mem m) { sse(0x66, 0x2f, xmm, m); }   // signalling compare
  void ucomisd(Reg a, Reg b) { sse_rr(0x66, 0x2e, a, b); }
  void comisd(Reg a, Reg b) { sse_rr(0x66, 0x2f, a, b); }
  void movapd(Reg dst, Reg src) { sse_rr(0x66, 0x28, dst, src); }  // the whole register: no merge dependency
  void movq_to_xmm(Reg xmm, Reg gpr) {
    byte(0x66);
    op_rr2(0x6e, xmm, gpr, true);
  }
  void movq_from_xmm(Reg gpr, Reg xmm) {
    byte(0x66);
    op_rr2(0x7e, xmm, gpr, true);
  }
  void stmxcsr(Mem m) { op_rm2(0xae, static_cast<Reg>(3), m, false); }
  void ldmxcsr(Mem m) { op_rm2(0xae, static_cast<Reg>(2), m, false); }
  void store32_imm(Mem m, std::int32_t imm) {
    op_rm(0xc7, static_cast<Reg>(0), m, false);
    imm32(static_cast<std::uint32_t>(imm));
  }
  void cvtsi2sd32(Reg xmm, Reg src) {  // xmm = (double)(int32)src
    byte(0xf2);
    op_rr2(0x2a, xmm, src, false);
  }

  // ---- control flow -----------------------------------------------------------
  void jmp(Label& l) {
    byte(0xe9);
    rel32_to(l);
  }
  void jcc(Cond c, Label& l) {
    byte(0x0f);
    byte(0x80 + c);
    rel32_to(l);
  }
  void jmp(Reg r) {
    rex(false, 0, 0, r);
    byte(0xff);
    modrm(3, 4, r);
  }
  void call(Reg r) {
    rex(false, 0, 0, r);
    byte(0xff);
    modrm(3, 2, r);
  }
  // dst = the address of label `l` (lea dst, [rip + rel32]).
  void lea_rip(Reg dst, Label& l) {
    rex(true, dst, 0, 0);
    byte(0x8d);
    modrm(0, dst, 5);
    rel32_to(l);
  }
  void ret() { byte(0xc3); }
  void push(Reg r) {
    rex(false, 0, 0, r);
    byte(0x50 + (r & 7));
  }
  void pop(Reg r) {
    rex(false, 0, 0, r);
    byte(0x58 + (r & 7));
  }
  // True when a label was bound at the current end: code jumps here from
  // elsewhere, so registers hold nothing the preceding instruction left.
  bool at_join() const { return joined_at_ == code_.size(); }
  void bind(Label& l) {
    joined_at_ = code_.size();
    l.pos_ = static_cast<std::int64_t>(code_.size());
    for (std::size_t use : l.uses_) patch_rel32(use, l.pos_);
    l.uses_.clear();
  }

 private:
  void byte(std::uint32_t b) { code_.push_back(static_cast<std::uint8_t>(b)); }
  void imm32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i) byte(v >> (8 * i));
  }
  void imm64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) byte(static_cast<std::uint32_t>(v >> (8 * i)));
  }
  // REX prefix; emitted when any bit is set or `force` (byte registers
  // spl/bpl/sil/dil need one).
  void rex(bool w, std::uint8_t reg, std::uint8_t index, std::uint8_t base, bool force = false) {
    const std::uint8_t bits = (w ? 8 : 0) | ((reg >> 3) << 2) | ((index >> 3) << 1) | (base >> 3);
    if (bits || force) byte(0x40 | bits);
  }
  void modrm(std::uint8_t mod, std::uint8_t reg, std::uint8_t rm) { byte((mod << 6) | ((reg & 7) << 3) | (rm & 7)); }
  void emit_rex_for(bool w, std::uint8_t reg, const Mem& m, bool force = false) {
    rex(w, reg, m.has_index ? m.index : 0, m.base, force);
  }
  // ModRM (+SIB, +disp) for a memory operand.
  void mem_operand(std::uint8_t reg, const Mem& m) {
    const bool needs_sib = m.has_index || (m.base & 7) == rsp;
    // [rbp/r13] with mod 00 means rip-relative / no base: always give them a displacement.
    std::uint8_t mod = 2;
    if (m.disp == 0 && (m.base & 7) != rbp)
      mod = 0;
    else if (fits_i8(m.disp))
      mod = 1;
    modrm(mod, reg, needs_sib ? 4 : m.base);
    if (needs_sib) {
      const std::uint8_t index = m.has_index ? (m.index & 7) : 4;  // 4: no index
      byte((m.scale << 6) | (index << 3) | (m.base & 7));
    }
    if (mod == 1) byte(static_cast<std::uint8_t>(m.disp));
    if (mod == 2) imm32(static_cast<std::uint32_t>(m.disp));
  }
  void op_rm(std::uint8_t opcode, Reg reg, const Mem& m, bool w, bool byte_reg = false) {
    emit_rex_for(w, reg, m, byte_reg && reg >= rsp);
    byte(opcode);
    mem_operand(reg, m);
  }
  void op_rm2(std::uint8_t opcode, Reg reg, const Mem& m, bool w) {  // 0F xx
    emit_rex_for(w, reg, m);
    byte(0x0f);
    byte(opcode);
    mem_operand(reg, m);
  }
  void op_rr(std::uint8_t opcode, Reg reg, Reg rm, bool w) {
    rex(w, reg, 0, rm);
    byte(opcode);
    modrm(3, reg, rm);
  }
  void op_rr2(std::uint8_t opcode, Reg reg, Reg rm, bool w) {
    rex(w, reg, 0, rm);
    byte(0x0f);
    byte(opcode);
    modrm(3, reg, rm);
  }
  // Mandatory prefix, then REX, then 0F opcode.
  void sse(std::uint8_t prefix, std::uint8_t opcode, Reg xmm, const Mem& m) {
    byte(prefix);
    op_rm2(opcode, xmm, m, false);
  }
  void sse_rr(std::uint8_t prefix, std::uint8_t opcode, Reg a, Reg b) {
    byte(prefix);
    op_rr2(opcode, a, b, false);
  }
  void group3(std::uint8_t n, Reg r, bool w) {
    rex(w, 0, 0, r);
    byte(0xf7);
    modrm(3, n, r);
  }
  template <typename ModRm>
  void alu_imm_tail(Alu, std::int32_t imm, ModRm modrm_fn) {
    if (fits_i8(imm)) {
      byte(0x83);
      modrm_fn();
      byte(static_cast<std::uint8_t>(imm));
    } else {
      byte(0x81);
      modrm_fn();
      imm32(static_cast<std::uint32_t>(imm));
    }
  }
  void rel32_to(Label& l) {
    const std::size_t field = code_.size();
    imm32(0);
    if (l.bound())
      patch_rel32(field, l.pos_);
    else
      l.uses_.push_back(field);
  }
  void patch_rel32(std::size_t field, std::int64_t target) {
    const auto rel = static_cast<std::int32_t>(target - static_cast<std::int64_t>(field + 4));
    std::memcpy(&code_[field], &rel, 4);
  }

  std::vector<std::uint8_t> code_;
  std::size_t joined_at_ = SIZE_MAX;
};

}  // namespace vm::engine::jit::x64
