#include <catch2/catch.hpp>

#include <cstdio>
#include <random>
#include <string>

#include "riscv/compressed.hpp"
#include "riscv_asm.hpp"
#include "vm/cross_arch/riscv/decoder.hpp"

using namespace vm::cross_arch::riscv;
using namespace vm::cross_arch::riscv::test_asm;

namespace {

std::string hex(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

DecodedInsn expect(std::uint32_t raw, InsnId id) {
  const DecodedInsn d = decode(raw);
  INFO(hex(raw) << " decoded as " << insn_info(d.id).mnemonic << ", expected " << insn_info(id).mnemonic);
  CHECK(d.id == id);
  CHECK(d.raw == raw);
  CHECK(d.length == ((raw & 3) == 3 ? 4 : 2));
  return d;
}

void expect_illegal(std::uint32_t raw) { expect(raw, InsnId::kIllegal); }

}  // namespace

TEST_CASE("insn_length tells compressed parcels from 32-bit ones", "[decoder]") {
  CHECK(insn_length(0x0001) == 2);
  CHECK(insn_length(0x8082) == 2);
  CHECK(insn_length(0x0013) == 4);
  CHECK(insn_length(0x001f) == 4);  // 48-bit encodings: length 4, illegal
  expect_illegal(0x0000001f);
  expect_illegal(0x0000003f);
  expect_illegal(0x0000007f);
}

TEST_CASE("RV64I fields and immediates", "[decoder]") {
  auto d = expect(0xfff58513, InsnId::ADDI);  // addi a0, a1, -1
  CHECK(d.rd == 10);
  CHECK(d.rs1 == 11);
  CHECK(d.imm == -1);
  d = expect(0x80000537, InsnId::LUI);  // lui a0, 0x80000
  CHECK(d.imm == -0x80000000ll);
  d = expect(0xfeb50ce3, InsnId::BEQ);  // beq a0, a1, -8
  CHECK(d.rs1 == 10);
  CHECK(d.rs2 == 11);
  CHECK(d.imm == -8);
  d = expect(0xfea12c23, InsnId::SW);  // sw a0, -8(sp)
  CHECK(d.imm == -8);
  CHECK(d.rs2 == 10);
  CHECK(d.rs1 == 2);
  d = expect(0x7ffff0ef, InsnId::JAL);  // jal ra, 0xffffe
  CHECK(d.imm == 0xffffe);
  CHECK(d.rd == 1);
  d = expect(0x800000ef, InsnId::JAL);
  CHECK(d.imm == -0x100000);
  d = expect(0x03f59513, InsnId::SLLI);  // slli a0, a1, 63
  CHECK(d.imm == 63);
  expect(0x4035d513, InsnId::SRAI);
  expect(0x00008067, InsnId::JALR);
  expect(0x00000073, InsnId::ECALL);
  expect(0x00100073, InsnId::EBREAK);
  expect(0x0000100f, InsnId::FENCE_I);
  d = expect(0x8330000f, InsnId::FENCE);  // fence.tso
  CHECK(d.imm == 0x833);
  expect(0x0100000f, InsnId::FENCE);  // pause
}

TEST_CASE("RV64 shift amounts: shamt[5] is legal for 64-bit shifts only", "[decoder]") {
  expect(i(InsnId::SLLI, 1, 2, 32), InsnId::SLLI);
  expect(i(InsnId::SRLIW, 1, 2, 31), InsnId::SRLIW);
  expect_illegal(0x0205951b);  // slliw a0, a1, 32
  expect_illegal(0x0205d51b);  // srliw with shamt[5]
  expect_illegal(0x4205d51b);  // sraiw with shamt[5]
  expect_illegal(0x80059513);  // slli with funct6 garbage
}

TEST_CASE("M and A decode; LR needs rs2 = 0 and AMOs need a known funct5", "[decoder]") {
  expect(r(InsnId::MULHSU, 1, 2, 3), InsnId::MULHSU);
  expect(r(InsnId::REMUW, 1, 2, 3), InsnId::REMUW);
  auto d = expect(0x1605b52f, InsnId::LR_D);  // lr.d.aqrl a0, (a1)
  CHECK(d.aq);
  CHECK(d.rl);
  CHECK(d.rs2 == 0);
  d = expect(0x1ac5b52f, InsnId::SC_D);  // sc.d.rl a0, a2, (a1)
  CHECK_FALSE(d.aq);
  CHECK(d.rl);
  CHECK(d.rs2 == 12);
  expect_illegal(0x1005a52f | (1u << 20));  // lr.w with rs2 = 1
  expect_illegal(0x3000202f);               // funct5 00110 is not an AMO
  expect_illegal(0x0000402f);               // AMO width funct3 = 4
  expect_illegal(0x0000102f);               // funct3 = 1
}

TEST_CASE("F and D: operand classes, rm field, reserved rounding modes", "[decoder][fp]") {
  auto d = expect(make(InsnId::FADD_D, 10, 11, 12, 0, 4), InsnId::FADD_D);
  CHECK(d.rm == 4);
  d = expect(make(InsnId::FCVT_L_D, 10, 11, 0, 0, 7), InsnId::FCVT_L_D);
  CHECK(d.rm == 7);
  for (unsigned rm : {5u, 6u}) {
    expect_illegal(make(InsnId::FADD_S, 1, 2, 3, 0, 0) | (rm << 12));
    expect_illegal(make(InsnId::FMADD_D, 1, 2, 3, 0, 0) | (rm << 12));
    expect_illegal(make(InsnId::FCVT_D_W, 1, 2, 0, 0, 0) | (rm << 12));
    expect_illegal(make(InsnId::FSQRT_S, 1, 2, 0, 0, 0) | (rm << 12));
  }
  d = expect(0x6ac59543, InsnId::FMADD_D);  // fmadd.d fa0, fa1, fa2, fa3, rtz
  CHECK(d.rs3 == 13);
  CHECK(d.rm == 1);
  expect(0x22b59553, InsnId::FSGNJN_D);
  expect_illegal(0x22b5b553);  // fsgnj funct3 = 3
  expect_illegal(0x5a15f553);  // fsqrt.d with rs2 = 1
  expect_illegal(0x06c5f543);  // fmt = 11 (quad) in fmadd
  expect(0x00813507, InsnId::FLD);
  expect(0xfea12c27, InsnId::FSW);
  expect_illegal(0x00814507);  // load-fp width 4 (Q)
}

TEST_CASE("Zicsr fields", "[decoder][csr]") {
  auto d = expect(0x00202573, InsnId::CSRRS);  // frrm a0
  CHECK(d.csr == 2);
  CHECK(d.rd == 10);
  CHECK(d.rs1 == 0);
  d = expect(0x0021d5f3, InsnId::CSRRWI);  // fsrmi a1, 3
  CHECK(d.imm == 3);
  CHECK(d.csr == 2);
  CHECK(d.rs1 == 0);
  expect_illegal(0x00004073);  // SYSTEM funct3 = 4
}

TEST_CASE("compressed instructions expand to their 32-bit equivalents", "[decoder][rvc]") {
  auto d = expect(0x7131, InsnId::ADDI);  // c.addi16sp sp, -192
  CHECK(d.rd == 2);
  CHECK(d.rs1 == 2);
  CHECK(d.imm == -192);
  d = expect(0x641c, InsnId::LD);  // c.ld a5, 8(s0)
  CHECK(d.rd == 15);
  CHECK(d.rs1 == 8);
  CHECK(d.imm == 8);
  d = expect(0xf922, InsnId::SD);  // c.sdsp s0, 176(sp)
  CHECK(d.rs2 == 8);
  CHECK(d.rs1 == 2);
  CHECK(d.imm == 176);
  d = expect(0x84a2, InsnId::ADD);  // c.mv s1, s0
  CHECK(d.rd == 9);
  CHECK(d.rs1 == 0);
  CHECK(d.rs2 == 8);
  d = expect(0xfafd, InsnId::BNE);  // c.bnez a3, -10 (objdump: 1046c: bnez a3,10462)
  CHECK(d.rs1 == 13);
  CHECK(d.rs2 == 0);
  CHECK(d.imm == -10);
  d = expect(0x2781, InsnId::ADDIW);  // c.addiw a5, 0 (sext.w)
  CHECK(d.rd == 15);
  CHECK(d.imm == 0);
  d = expect(0x8082, InsnId::JALR);  // c.jr ra
  CHECK(d.rd == 0);
  CHECK(d.rs1 == 1);
  d = expect(0x9782, InsnId::JALR);  // c.jalr a5
  CHECK(d.rd == 1);
  CHECK(d.rs1 == 15);
  expect(0x9002, InsnId::EBREAK);
  expect(0x0001, InsnId::ADDI);     // c.nop
  d = expect(0x3ff8, InsnId::FLD);  // c.fld fa4, 248(a5)
  CHECK(d.rd == 14);
  CHECK(d.imm == 248);
  d = expect(0x2002 | (0 << 7), InsnId::FLD);  // c.fldsp ft0, 0(sp): f0 is fine
  CHECK(d.rd == 0);
  expect(0xa002, InsnId::FSD);       // c.fsdsp ft0, 0(sp)
  d = expect(0x1582, InsnId::SLLI);  // c.slli a1, 32
  CHECK(d.imm == 32);
  d = expect(0x9101, InsnId::SRLI);  // c.srli a0, 32
  CHECK(d.imm == 32);
  CHECK(d.rd == 10);
}

TEST_CASE("reserved compressed encodings are illegal", "[decoder][rvc]") {
  expect_illegal(0x0000);           // all zero
  expect_illegal(0x0010 & 0x001c);  // c.addi4spn nzuimm = 0, rd' = s0
  expect_illegal(0x000c);           // c.addi4spn nzuimm = 0, rd' = a1
  expect_illegal(0x2001);           // c.addiw rd = 0
  expect_illegal(0x3001);           // c.addiw rd = 0, imm != 0
  expect_illegal(0x6001);           // c.lui rd = 0, nzimm = 0
  expect_illegal(0x6781);           // c.lui a5, 0
  expect_illegal(0x6101);           // c.addi16sp nzimm = 0
  expect_illegal(0x8002);           // c.jr rs1 = 0
  expect_illegal(0x4002);           // c.lwsp rd = 0
  expect_illegal(0x6002);           // c.ldsp rd = 0
  expect_illegal(0x8000);           // quadrant 0, funct3 100
  expect_illegal(0x9c41);           // c.subw-space funct2 10
  expect_illegal(0x9c61);           // and 11
  // HINTs are legal and have no architectural effect.
  expect(0x6005, InsnId::LUI);   // c.lui zero, 1
  expect(0x0002, InsnId::SLLI);  // c.slli zero, 0
  expect(0x8006, InsnId::ADD);   // c.mv zero, ra
  expect(0x9006, InsnId::ADD);   // c.add zero, ra
  expect(0x4005, InsnId::ADDI);  // c.li zero, 1
  expect(0x0005, InsnId::ADDI);  // c.addi zero, 1
  expect(0x8101, InsnId::SRLI);  // c.srli s0, 0
}

TEST_CASE("every compressed row decodes through its own pattern", "[decoder][rvc]") {
  // For each parcel, exactly the first matching CINSN row decides: it either
  // expands to that row's instruction or is reserved.
  unsigned legal = 0;
  for (std::uint32_t p = 0; p < 0x10000; ++p) {
    if ((p & 3) == 3) continue;
    const DecodedInsn d = decode(p);
    const CompressedInfo* row = nullptr;
    for (const auto& info : kCompressedInsns) {
      if ((p & info.mask) == info.match) {
        row = &info;
        break;
      }
    }
    INFO(hex(p));
    CHECK(d.length == 2);
    if (row == nullptr) {
      REQUIRE(d.id == InsnId::kIllegal);
    } else if (d.id != InsnId::kIllegal) {
      REQUIRE(d.id == row->expands_to);
      ++legal;
    }
  }
  CHECK(legal > 40000);
}

TEST_CASE("encode and decode round-trip for every table row", "[decoder][encoder]") {
  std::mt19937 rng(1234);
  for (std::size_t k = 1; k < kInsnCount; ++k) {
    const auto id = static_cast<InsnId>(k);
    const InsnInfo& info = insn_info(id);
    const FormatInfo& f = format_info(info.format);
    for (int n = 0; n < 200; ++n) {
      DecodedInsn want;
      want.id = id;
      want.rd = f.rd != RegClass::kNone ? rng() % 32 : 0;
      want.rs1 = f.rs1 != RegClass::kNone ? rng() % 32 : 0;
      want.rs2 = f.rs2 != RegClass::kNone ? rng() % 32 : 0;
      want.rs3 = f.rs3 != RegClass::kNone ? rng() % 32 : 0;
      if (f.has_rm) {
        const unsigned modes[] = {0, 1, 2, 3, 4, 7};
        want.rm = modes[rng() % 6];
      }
      if (info.format == OperandFormat::Amo || info.format == OperandFormat::Lr) {
        want.aq = rng() & 1;
        want.rl = rng() & 1;
      }
      const std::int64_t r = static_cast<std::int32_t>(rng());
      switch (f.imm) {
        case ImmKind::I12:
        case ImmKind::S12:
          want.imm = r >> 20;
          break;
        case ImmKind::B13:
          want.imm = (r >> 19) & ~1ll;
          break;
        case ImmKind::U20:
          want.imm = r & ~0xfffll;
          break;
        case ImmKind::J21:
          want.imm = (r >> 11) & ~1ll;
          break;
        case ImmKind::Shamt6:
          want.imm = rng() % 64;
          break;
        case ImmKind::Shamt5:
          want.imm = rng() % 32;
          break;
        case ImmKind::CsrUimm:
          want.imm = rng() % 32;
          break;
        case ImmKind::Fence:
          want.imm = rng() % 4096;
          break;
        default:
          break;
      }
      if (f.imm == ImmKind::Csr || f.imm == ImmKind::CsrUimm) want.csr = rng() % 4096;
      const std::uint32_t raw = encode(want);
      const DecodedInsn got = decode(raw);
      INFO(info.mnemonic << " " << hex(raw));
      REQUIRE(got.id == id);
      CHECK((raw & info.mask) == info.match);
      CHECK(got.rd == want.rd);
      CHECK(got.rs1 == want.rs1);
      CHECK(got.rs2 == want.rs2);
      CHECK(got.rs3 == want.rs3);
      CHECK(got.rm == want.rm);
      CHECK(got.aq == want.aq);
      CHECK(got.rl == want.rl);
      CHECK(got.imm == want.imm);
      CHECK(got.csr == want.csr);
      CHECK_FALSE(disassemble(got, 0x1000).empty());
    }
  }
}
