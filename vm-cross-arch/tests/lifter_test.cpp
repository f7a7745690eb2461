#include <catch2/catch.hpp>

#include <algorithm>

#include "riscv_asm.hpp"
#include "vm/cross_arch/ir/block.hpp"
#include "vm/cross_arch/riscv/lifter.hpp"
#include "vm/cross_arch/testing/vector_fetcher.hpp"

using namespace vm::cross_arch;
using namespace vm::cross_arch::riscv;
using namespace vm::cross_arch::riscv::test_asm;
using ir::Opcode;
using testing::VectorFetcher;

namespace {

constexpr std::uint64_t kBase = 0x10000;

ir::Block lift(VectorFetcher& fetch, unsigned max_insns = 64) {
  ir::Block block = lift_block(fetch.base(), fetch, LiftOptions{.max_insns = max_insns});
  const auto ok = ir::verify(block);
  INFO(ir::print(block));
  INFO((ok ? std::string("verified") : ok.error().message()));
  CHECK(ok);
  return block;
}

ir::Block lift_words(const std::vector<std::uint32_t>& words, unsigned max_insns = 64) {
  auto fetch = VectorFetcher::from_words(kBase, words);
  return lift(fetch, max_insns);
}

void check_op(const ir::Op& op, Opcode opcode, ir::Slot dst, ir::Slot src1, ir::Slot src2, std::int64_t imm,
              std::uint8_t insn) {
  INFO(ir::print(op));
  CHECK(op.opcode == opcode);
  CHECK(op.dst == dst);
  CHECK(op.src1 == src1);
  CHECK(op.src2 == src2);
  CHECK(op.imm == imm);
  CHECK(op.insn == insn);
}

const ir::Slot kDiscard = ir::kDiscardSlot;
ir::Slot X(unsigned r) { return ir::x_slot(r); }
ir::Slot F(unsigned r) { return ir::f_slot(r); }

}  // namespace

TEST_CASE("straight-line integer code lifts one op per instruction", "[lifter]") {
  const auto block = lift_words({
      i(InsnId::ADDI, 10, 11, -5),  // addi a0, a1, -5
      r(InsnId::SUB, 12, 10, 13),   // sub a2, a0, a3
      i(InsnId::LD, 14, 2, 16),     // ld a4, 16(sp)
      s(InsnId::SW, 14, 2, -8),     // sw a4, -8(sp)
      i(InsnId::SLLI, 5, 5, 63),    // slli t0, t0, 63
      b(InsnId::BNE, 10, 0, -16),   // bne a0, zero, -16
  });
  REQUIRE(block.ops.size() == 6);
  check_op(block.ops[0], Opcode::AddI, X(10), X(11), 0, -5, 0);
  check_op(block.ops[1], Opcode::Sub, X(12), X(10), X(13), 0, 1);
  check_op(block.ops[2], Opcode::Ld, X(14), X(2), 0, 16, 2);
  check_op(block.ops[3], Opcode::Sw, 0, X(2), X(14), -8, 3);
  check_op(block.ops[4], Opcode::SllI, X(5), X(5), 0, 63, 4);
  check_op(block.ops[5], Opcode::Bne, 0, X(10), X(0), kBase + 20 - 16, 5);
  CHECK(block.start_pc == kBase);
  CHECK(block.end_pc == kBase + 24);
  CHECK(block.insn_offsets == std::vector<std::uint16_t>{0, 4, 8, 12, 16, 20});
}

TEST_CASE("writes to x0 go to the discard slot; loads to x0 are kept", "[lifter]") {
  const auto block = lift_words({
      i(InsnId::ADDI, 0, 0, 0),  // nop
      i(InsnId::LW, 0, 10, 4),   // lw zero, 4(a0): may fault, so it stays
      make(InsnId::LUI, 0, 0, 0, 0x12345000), make(InsnId::AMOADD_W, 0, 10, 11),
      make(InsnId::JAL, 0, 0, 0, 8),  // j +8: no link write at all
  });
  REQUIRE(block.ops.size() == 5);
  check_op(block.ops[0], Opcode::AddI, kDiscard, X(0), 0, 0, 0);
  check_op(block.ops[1], Opcode::Lw, kDiscard, X(10), 0, 4, 1);
  check_op(block.ops[2], Opcode::LoadImm, kDiscard, 0, 0, 0x12345000, 2);
  check_op(block.ops[3], Opcode::AmoAddW, kDiscard, X(10), X(11), 0, 3);
  check_op(block.ops[4], Opcode::Jump, 0, 0, 0, kBase + 16 + 8, 4);
}

TEST_CASE("lui and auipc become LoadImm with the value known at lift time", "[lifter]") {
  const auto block = lift_words({
      make(InsnId::LUI, 10, 0, 0, -0x1000),        // lui a0, 0xfffff
      make(InsnId::AUIPC, 11, 0, 0, 0x7ffff000),   // auipc a1, 0x7ffff
      make(InsnId::AUIPC, 12, 0, 0, -0x80000000),  // auipc a2, 0x80000
      make(InsnId::EBREAK),
  });
  REQUIRE(block.ops.size() == 4);
  check_op(block.ops[0], Opcode::LoadImm, X(10), 0, 0, -0x1000, 0);
  check_op(block.ops[1], Opcode::LoadImm, X(11), 0, 0, kBase + 4 + 0x7ffff000, 1);
  check_op(block.ops[2], Opcode::LoadImm, X(12), 0, 0, static_cast<std::int64_t>(kBase + 8 - 0x80000000ull), 2);
  check_op(block.ops[3], Opcode::Ebreak, 0, 0, 0, 0, 3);
}

TEST_CASE("jal links then jumps to an absolute target", "[lifter]") {
  const auto block = lift_words({i(InsnId::ADDI, 5, 0, 1), make(InsnId::JAL, 1, 0, 0, -4)});
  REQUIRE(block.ops.size() == 3);
  check_op(block.ops[1], Opcode::LoadImm, X(1), 0, 0, kBase + 8, 1);
  check_op(block.ops[2], Opcode::Jump, 0, 0, 0, kBase, 1);
  CHECK(block.end_pc == kBase + 8);
}

TEST_CASE("jalr with rd == rs1 jumps through a copy of the base", "[lifter]") {
  SECTION("rd == rs1") {
    const auto block = lift_words({i(InsnId::JALR, 5, 5, 12)});
    REQUIRE(block.ops.size() == 3);
    check_op(block.ops[0], Opcode::AddI, ir::temp_slot(0), X(5), 0, 0, 0);
    check_op(block.ops[1], Opcode::LoadImm, X(5), 0, 0, kBase + 4, 0);
    check_op(block.ops[2], Opcode::JumpR, 0, ir::temp_slot(0), 0, 12, 0);
  }
  SECTION("rd != rs1") {
    const auto block = lift_words({i(InsnId::JALR, 1, 6, -4)});
    REQUIRE(block.ops.size() == 2);
    check_op(block.ops[0], Opcode::LoadImm, X(1), 0, 0, kBase + 4, 0);
    check_op(block.ops[1], Opcode::JumpR, 0, X(6), 0, -4, 0);
  }
  SECTION("ret (rd = x0) has no link write") {
    const auto block = lift_words({i(InsnId::JALR, 0, 1, 0)});
    REQUIRE(block.ops.size() == 1);
    check_op(block.ops[0], Opcode::JumpR, 0, X(1), 0, 0, 0);
  }
}

TEST_CASE("compressed instructions lift as their expansion", "[lifter][rvc]") {
  VectorFetcher fetch(kBase, {});
  fetch.append16(0x1141);                      // c.addi sp, -16
  fetch.append32(i(InsnId::ADDI, 10, 10, 1));  // addi a0, a0, 1 (misaligned to 4)
  fetch.append16(0xe406);                      // c.sdsp ra, 8(sp)
  fetch.append16(0x8082);                      // c.jr ra (ret)
  const auto block = lift(fetch);
  REQUIRE(block.ops.size() == 4);
  check_op(block.ops[0], Opcode::AddI, X(2), X(2), 0, -16, 0);
  check_op(block.ops[1], Opcode::AddI, X(10), X(10), 0, 1, 1);
  check_op(block.ops[2], Opcode::Sd, 0, X(2), X(1), 8, 2);
  check_op(block.ops[3], Opcode::JumpR, 0, X(1), 0, 0, 3);
  CHECK(block.insn_offsets == std::vector<std::uint16_t>{0, 2, 6, 8});
  CHECK(block.end_pc == kBase + 10);
}

TEST_CASE("c.jalr links to pc + 2", "[lifter][rvc]") {
  VectorFetcher fetch(kBase, {});
  fetch.append16(0x9782);  // c.jalr a5
  const auto block = lift(fetch);
  REQUIRE(block.ops.size() == 2);
  check_op(block.ops[0], Opcode::LoadImm, X(1), 0, 0, kBase + 2, 0);
  check_op(block.ops[1], Opcode::JumpR, 0, X(15), 0, 0, 0);
}

TEST_CASE("FP ops use f and x slots per operand class and carry rm", "[lifter][fp]") {
  const auto block = lift_words({
      make(InsnId::FADD_D, 10, 11, 12, 0, 1),   // fadd.d fa0, fa1, fa2, rtz
      make(InsnId::FCVT_W_S, 10, 11, 0, 0, 7),  // fcvt.w.s a0, fa1 (dyn)
      make(InsnId::FCVT_S_W, 10, 11, 0, 0, 0),  // fcvt.s.w fa0, a1, rne
      make(InsnId::FEQ_D, 5, 1, 2),             // feq.d t0, ft1, ft2
      make(InsnId::FMV_X_W, 0, 3),              // fmv.x.w zero, ft3
      make(InsnId::FMV_D_X, 0, 7),              // fmv.d.x ft0, t2
      make(InsnId::FSGNJN_D, 1, 2, 2),          // fneg.d ft1, ft2
      i(InsnId::FLD, 0, 2, 24),                 // fld ft0, 24(sp)
      s(InsnId::FSW, 31, 10, -4),               // fsw ft11, -4(a0)
      make(InsnId::ECALL),
  });
  REQUIRE(block.ops.size() == 10);
  check_op(block.ops[0], Opcode::FaddD, F(10), F(11), F(12), 0, 0);
  CHECK(block.ops[0].aux == 1);
  check_op(block.ops[1], Opcode::FcvtWS, X(10), F(11), 0, 0, 1);
  CHECK(block.ops[1].aux == 7);
  check_op(block.ops[2], Opcode::FcvtSW, F(10), X(11), 0, 0, 2);
  CHECK(block.ops[2].aux == 0);
  check_op(block.ops[3], Opcode::FeqD, X(5), F(1), F(2), 0, 3);
  check_op(block.ops[4], Opcode::FmvXW, kDiscard, F(3), 0, 0, 4);
  check_op(block.ops[5], Opcode::FmvDX, F(0), X(7), 0, 0, 5);
  check_op(block.ops[6], Opcode::FsgnjnD, F(1), F(2), F(2), 0, 6);
  CHECK(block.ops[6].aux == 0);
  check_op(block.ops[7], Opcode::Fld, F(0), X(2), 0, 24, 7);
  check_op(block.ops[8], Opcode::Fsw, 0, X(10), F(31), -4, 8);
  check_op(block.ops[9], Opcode::Ecall, 0, 0, 0, 0, 9);
}

TEST_CASE("fused multiply-add uses three FP sources", "[lifter][fp]") {
  DecodedInsn d;
  d.id = InsnId::FNMSUB_S;
  d.rd = 1;
  d.rs1 = 2;
  d.rs2 = 3;
  d.rs3 = 4;
  d.rm = 3;
  const auto block = lift_words({encode(d), make(InsnId::EBREAK)});
  REQUIRE(block.ops.size() == 2);
  check_op(block.ops[0], Opcode::FnmsubS, F(1), F(2), F(3), 0, 0);
  CHECK(block.ops[0].src3 == F(4));
  CHECK(block.ops[0].aux == 3);
}

TEST_CASE("a reserved rounding mode makes the instruction illegal", "[lifter][fp]") {
  const std::uint32_t bad = make(InsnId::FADD_S, 1, 2, 3, 0, 5);
  const auto block = lift_words({i(InsnId::ADDI, 5, 5, 1), bad, i(InsnId::ADDI, 6, 6, 1)});
  REQUIRE(block.ops.size() == 2);
  check_op(block.ops[1], Opcode::Trap, 0, 0, 0, bad, 1);
  CHECK(block.ops[1].aux == static_cast<std::uint8_t>(TrapCause::kIllegalInsn));
  CHECK(block.end_pc == kBase + 8);
  CHECK(block.guest_insn_count() == 2);
}

TEST_CASE("illegal compressed instruction traps with the 16-bit encoding", "[lifter][rvc]") {
  VectorFetcher fetch(kBase, {});
  fetch.append16(0x0505);  // c.addi a0, 1
  fetch.append16(0x0000);  // defined illegal
  const auto block = lift(fetch);
  REQUIRE(block.ops.size() == 2);
  check_op(block.ops[1], Opcode::Trap, 0, 0, 0, 0, 1);
  CHECK(block.ops[1].aux == static_cast<std::uint8_t>(TrapCause::kIllegalInsn));
  VectorFetcher fetch2(kBase, {});
  fetch2.append16(0x6001);  // c.lui zero, 0 (reserved)
  fetch2.append16(0x0001);
  const auto block2 = lift(fetch2);
  REQUIRE(block2.ops.size() == 1);
  check_op(block2.ops[0], Opcode::Trap, 0, 0, 0, 0x6001, 0);
}

TEST_CASE("CSR instructions lift to Csr ops", "[lifter][csr]") {
  const auto block = lift_words({
      csr(InsnId::CSRRS, 10, 0x001, 0),  // frflags a0
      csr(InsnId::CSRRW, 0, 0x002, 11),  // fsrm a1 (no read: dst is the discard slot)
      csr(InsnId::CSRRC, 12, 0x003, 13),
      csr(InsnId::CSRRWI, 14, 0x002, 3),
      csr(InsnId::CSRRSI, 0, 0x001, 31),
      csr(InsnId::CSRRCI, 15, 0xc00, 0),
      make(InsnId::FENCE_I),
  });
  REQUIRE(block.ops.size() == 7);
  const ir::CsrOp kinds[] = {ir::CsrOp::kRs,  ir::CsrOp::kRw,  ir::CsrOp::kRc,
                             ir::CsrOp::kRwi, ir::CsrOp::kRsi, ir::CsrOp::kRci};
  check_op(block.ops[0], Opcode::Csr, X(10), X(0), 0, 0x001, 0);
  check_op(block.ops[1], Opcode::Csr, kDiscard, X(11), 0, 0x002, 1);
  check_op(block.ops[2], Opcode::Csr, X(12), X(13), 0, 0x003, 2);
  check_op(block.ops[3], Opcode::Csr, X(14), 0, 3, 0x002, 3);
  check_op(block.ops[4], Opcode::Csr, kDiscard, 0, 31, 0x001, 4);
  check_op(block.ops[5], Opcode::Csr, X(15), 0, 0, 0xc00, 5);
  for (int k = 0; k < 6; ++k) CHECK(block.ops[k].aux == static_cast<std::uint8_t>(kinds[k]));
  check_op(block.ops[6], Opcode::FenceI, 0, 0, 0, 0, 6);
}

TEST_CASE("fence is not a terminator; atomics keep their operands", "[lifter]") {
  const auto block = lift_words({
      make(InsnId::FENCE, 0, 0, 0, 0x0ff),
      make(InsnId::LR_D, 10, 11),
      make(InsnId::SC_W, 12, 11, 13),
      make(InsnId::JAL, 0, 0, 0, 0),
  });
  REQUIRE(block.ops.size() == 4);
  check_op(block.ops[0], Opcode::Fence, 0, 0, 0, 0, 0);
  check_op(block.ops[1], Opcode::LrD, X(10), X(11), 0, 0, 1);
  check_op(block.ops[2], Opcode::ScW, X(12), X(11), X(13), 0, 2);
  check_op(block.ops[3], Opcode::Jump, 0, 0, 0, kBase + 12, 3);
}

TEST_CASE("max_insns caps the block with a jump to end_pc", "[lifter]") {
  std::vector<std::uint32_t> words(10, i(InsnId::ADDI, 10, 10, 1));
  const auto block = lift_words(words, 4);
  REQUIRE(block.ops.size() == 5);
  CHECK(block.guest_insn_count() == 4);
  check_op(block.ops[4], Opcode::Jump, 0, 0, 0, kBase + 16, 3);
  CHECK(block.end_pc == kBase + 16);
  const auto one = lift_words(words, 1);
  REQUIRE(one.ops.size() == 2);
  check_op(one.ops[1], Opcode::Jump, 0, 0, 0, kBase + 4, 0);
}

TEST_CASE("a terminator on the last allowed instruction is not followed by a cap jump", "[lifter]") {
  const auto block = lift_words({i(InsnId::ADDI, 10, 10, 1), make(InsnId::ECALL)}, 2);
  REQUIRE(block.ops.size() == 2);
  CHECK(block.terminator().opcode == Opcode::Ecall);
}

TEST_CASE("fetch fault on the first instruction is a trap-only block", "[lifter][fault]") {
  VectorFetcher fetch(kBase, {});
  fetch.append32(i(InsnId::ADDI, 10, 10, 1));
  auto block = lift_block(kBase + 0x1000, fetch, {});
  REQUIRE(ir::verify(block));
  REQUIRE(block.ops.size() == 1);
  check_op(block.ops[0], Opcode::Trap, 0, 0, 0, kBase + 0x1000, 0);
  CHECK(block.ops[0].aux == static_cast<std::uint8_t>(TrapCause::kInsnPageFault));
  CHECK(block.insn_offsets == std::vector<std::uint16_t>{0});
}

TEST_CASE("fetch fault later in the block ends it with a jump to the faulting pc", "[lifter][fault]") {
  auto fetch = VectorFetcher::from_words(
      kBase, {i(InsnId::ADDI, 10, 10, 1), i(InsnId::ADDI, 11, 11, 1), i(InsnId::ADDI, 12, 12, 1)});
  fetch.deny(kBase + 8, kBase + 12);
  const auto block = lift(fetch);
  REQUIRE(block.ops.size() == 3);
  check_op(block.ops[2], Opcode::Jump, 0, 0, 0, kBase + 8, 1);
  CHECK(block.guest_insn_count() == 2);
  CHECK(block.end_pc == kBase + 8);
}

TEST_CASE("a 4-byte instruction straddling into a faulting parcel faults at its second half", "[lifter][fault]") {
  VectorFetcher fetch(kBase, {});
  fetch.append16(0x0505);                      // c.addi a0, 1
  fetch.append32(i(InsnId::ADDI, 10, 10, 1));  // straddles kBase+4
  fetch.deny(kBase + 4, kBase + 0x1000);
  const auto block = lift(fetch);
  REQUIRE(block.ops.size() == 2);
  check_op(block.ops[1], Opcode::Jump, 0, 0, 0, kBase + 2, 0);
  // The next block starts at the straddling instruction and faults on the
  // address of its second parcel.
  const auto next = lift_block(kBase + 2, fetch, {});
  REQUIRE(ir::verify(next));
  REQUIRE(next.ops.size() == 1);
  check_op(next.ops[0], Opcode::Trap, 0, 0, 0, kBase + 4, 0);
  CHECK(next.ops[0].aux == static_cast<std::uint8_t>(TrapCause::kInsnPageFault));
}

TEST_CASE("verify rejects malformed blocks", "[ir][verify]") {
  const auto good = lift_words({i(InsnId::ADDI, 10, 10, 1), b(InsnId::BEQ, 10, 11, 8)});
  REQUIRE(ir::verify(good));
  SECTION("no terminator") {
    auto bad = good;
    bad.ops.pop_back();
    CHECK_FALSE(ir::verify(bad));
  }
  SECTION("terminator in the middle") {
    auto bad = good;
    bad.ops.insert(bad.ops.begin(), bad.ops.back());
    CHECK_FALSE(ir::verify(bad));
  }
  SECTION("write to x0") {
    auto bad = good;
    bad.ops[0].dst = ir::x_slot(0);
    CHECK_FALSE(ir::verify(bad));
  }
  SECTION("slot out of range") {
    auto bad = good;
    bad.ops[0].src1 = ir::kNumSlots;
    CHECK_FALSE(ir::verify(bad));
  }
  SECTION("instruction index out of range") {
    auto bad = good;
    bad.ops[0].insn = 2;
    CHECK_FALSE(ir::verify(bad));
  }
  SECTION("instruction indices decrease") {
    auto bad = good;
    bad.ops[0].insn = 1;
    bad.ops[1].insn = 0;
    CHECK_FALSE(ir::verify(bad));
  }
  SECTION("empty block") {
    ir::Block bad;
    CHECK_FALSE(ir::verify(bad));
  }
  SECTION("offsets not increasing") {
    auto bad = good;
    bad.insn_offsets[1] = 0;
    CHECK_FALSE(ir::verify(bad));
  }
  SECTION("reads the discard slot") {
    auto bad = good;
    bad.ops[0].src1 = ir::kDiscardSlot;
    CHECK_FALSE(ir::verify(bad));
  }
}

TEST_CASE("print shows one op per line", "[ir][print]") {
  const auto block = lift_words({i(InsnId::ADDI, 10, 0, 5), i(InsnId::LD, 11, 2, 8), make(InsnId::ECALL)});
  const std::string text = ir::print(block);
  CHECK(text ==
        "block 0x10000..0x1000c (3 insns)\n"
        "  [0] x10 = addi x0, 5\n"
        "  [1] x11 = ld [x2 + 8]\n"
        "  [2] ecall\n");
}

TEST_CASE("every decodable encoding lifts to a verified block", "[lifter][fuzz]") {
  // Single-instruction blocks (max_insns = 1) of all compressed parcels and of
  // random words: the block must verify, and a legal non-special instruction
  // must lift to the IR op its table row names.
  auto check_word = [](std::uint32_t raw, unsigned length) {
    VectorFetcher fetch(kBase, {});
    if (length == 2)
      fetch.append16(static_cast<std::uint16_t>(raw));
    else
      fetch.append32(raw);
    const ir::Block block = lift_block(kBase, fetch, LiftOptions{.max_insns = 1});
    const auto ok = ir::verify(block);
    INFO(std::hex << raw << "\n" << ir::print(block));
    REQUIRE(ok);
    REQUIRE(block.guest_insn_count() == 1);
    CHECK(block.end_pc == kBase + length);
    const DecodedInsn d = decode(raw);
    if (d.id == InsnId::kIllegal) {
      REQUIRE(block.ops.size() == 1);
      CHECK(block.ops[0].opcode == Opcode::Trap);
      CHECK(block.ops[0].imm == static_cast<std::int64_t>(raw));
    } else {
      const Opcode expected = insn_info(d.id).op;
      const bool found =
          std::any_of(block.ops.begin(), block.ops.end(), [&](const ir::Op& op) { return op.opcode == expected; });
      CHECK(found);
    }
  };
  for (std::uint32_t p = 0; p < 0x10000; ++p) {
    if ((p & 3) != 3) check_word(p, 2);
  }
  std::uint32_t state = 12345;
  for (int n = 0; n < 50000; ++n) {
    state = state * 1664525u + 1013904223u;
    check_word(state | 3, 4);
  }
}
