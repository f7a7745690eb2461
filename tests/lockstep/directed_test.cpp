// Directed lockstep cases: instructions whose edge cases a random stream hits
// rarely, run in vm and Unicorn through the same harness, and also checked
// against the values the ISA manual specifies (so a shared mistake of both
// machines would still fail).
#include <catch2/catch.hpp>

#include <cstring>
#include <memory>
#include <vector>

#include "lockstep_session.hpp"
#include "vm/cross_arch/riscv/decoder.hpp"
#include "vm/cross_arch/riscv/fp.hpp"
#include "vm_machine.hpp"

namespace {

using namespace vm::lockstep;
namespace rv = vm::cross_arch::riscv;
namespace fp = vm::cross_arch::riscv::fp;
using rv::InsnId;

constexpr std::uint64_t kNaN64 = 0x7ff8000000000000, kSNaN64 = 0x7ff4000000000000;
constexpr std::uint64_t kOne64 = 0x3ff0000000000000, kTwo64 = 0x4000000000000000;
constexpr std::uint64_t kInf64 = 0x7ff0000000000000, kNegInf64 = 0xfff0000000000000;
constexpr std::uint64_t kMin64 = 0x8000000000000000, kMax64 = 0x7fffffffffffffff;
constexpr std::uint32_t kNV = fp::kFlagNV, kNX = fp::kFlagNX;

std::uint32_t enc(InsnId id, unsigned rd, unsigned rs1, unsigned rs2 = 0, unsigned rm = 0, std::int64_t imm = 0) {
  return rv::encode(rv::DecodedInsn{.id = id,
                                    .rd = static_cast<std::uint8_t>(rd),
                                    .rs1 = static_cast<std::uint8_t>(rs1),
                                    .rs2 = static_cast<std::uint8_t>(rs2),
                                    .rm = static_cast<std::uint8_t>(rm),
                                    .imm = imm});
}

std::uint32_t enc_csr(InsnId id, unsigned rd, unsigned rs1_or_uimm, std::uint16_t csr) {
  rv::DecodedInsn d{.id = id, .rd = static_cast<std::uint8_t>(rd), .rs1 = static_cast<std::uint8_t>(rs1_or_uimm)};
  d.csr = csr;
  if (rv::format_info(id).imm == rv::ImmKind::CsrUimm) d.imm = rs1_or_uimm;
  return rv::encode(d);
}

// One lockstep machine pair; every run() starts from a zeroed register file
// plus the given registers, so each case reads exactly its stated inputs.
class Directed {
 public:
  Directed() {
    auto s = LockstepSession::create();
    REQUIRE(s.has_value());
    session_ = std::move(*s);
  }
  const MemoryLayout& layout() const { return session_->layout(); }
  void set_data(const std::vector<std::uint8_t>& bytes) { session_->set_data(bytes); }
  std::span<const std::uint8_t> data() const { return session_->vm_data(); }
  const StepOutcome& outcome() const { return session_->last_outcome(); }

  ArchState run(std::uint32_t raw, const std::vector<RegPreset>& registers, std::uint32_t fcsr = 0) {
    ArchState start{};
    start.fcsr = fcsr;
    for (const RegPreset& r : registers) (r.fp ? start.f : start.x)[r.reg] = r.value;
    session_->set_registers(start);
    const PlannedInsn insn{raw, (raw & 3) == 3 ? 4u : 2u, {}};
    if (auto mismatch = session_->execute(insn)) FAIL(*mismatch);
    return session_->vm_state();
  }

 private:
  std::unique_ptr<LockstepSession> session_;
};

RegPreset X(unsigned r, std::uint64_t v) { return {false, r, v}; }
RegPreset F(unsigned r, std::uint64_t v) { return {true, r, v}; }

std::uint64_t sext32(std::uint64_t v) {
  return static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::int32_t>(v)));
}

TEST_CASE("lockstep: division by zero and signed overflow", "[lockstep][directed]") {
  struct Case {
    InsnId id;
    std::uint64_t a, b, expected;
  };
  const Case cases[] = {
      {InsnId::DIV, 7, 0, ~0ull},
      {InsnId::DIVU, 7, 0, ~0ull},
      {InsnId::REM, 7, 0, 7},
      {InsnId::REMU, 7, 0, 7},
      {InsnId::DIV, kMin64, ~0ull, kMin64},
      {InsnId::REM, kMin64, ~0ull, 0},
      {InsnId::DIVU, kMin64, ~0ull, 0},
      {InsnId::REMU, kMin64, ~0ull, kMin64},
      {InsnId::DIVW, 0x123456789, 0xffffffff00000000, ~0ull},
      {InsnId::DIVUW, 0x123456789, 0xffffffff00000000, ~0ull},
      {InsnId::REMW, 0x123456789, 0xffffffff00000000, 0x23456789},
      {InsnId::REMUW, 0xfffffffff0000000, 0x100000000, 0xfffffffff0000000},
      {InsnId::DIVW, 0x80000000, ~0ull, 0xffffffff80000000},
      {InsnId::REMW, 0x80000000, ~0ull, 0},
      {InsnId::DIVUW, 0x80000000, ~0ull, 0},
      {InsnId::REMUW, 0x80000000, ~0ull, 0xffffffff80000000},
      {InsnId::DIV, static_cast<std::uint64_t>(-7), 2, static_cast<std::uint64_t>(-3)},
      {InsnId::REM, static_cast<std::uint64_t>(-7), 2, static_cast<std::uint64_t>(-1)},
  };
  Directed d;
  for (const Case& c : cases) {
    INFO(rv::insn_info(c.id).mnemonic << " " << c.a << ", " << c.b);
    CHECK(d.run(enc(c.id, 7, 5, 6), {X(5, c.a), X(6, c.b)}).x[7] == c.expected);
  }
}

TEST_CASE("lockstep: mul and every mulh variant", "[lockstep][directed]") {
  const std::uint64_t values[] = {0, 1, ~0ull, kMin64, kMax64, 0x123456789abcdef0, 0xfedcba9876543210, 0x80000000};
  Directed d;
  for (std::uint64_t a : values) {
    for (std::uint64_t b : values) {
      INFO("a " << a << " b " << b);
      const __int128 sa = static_cast<std::int64_t>(a), sb = static_cast<std::int64_t>(b);
      const unsigned __int128 ua = a, ub = b;
      CHECK(d.run(enc(InsnId::MULH, 7, 5, 6), {X(5, a), X(6, b)}).x[7] == static_cast<std::uint64_t>((sa * sb) >> 64));
      CHECK(d.run(enc(InsnId::MULHU, 7, 5, 6), {X(5, a), X(6, b)}).x[7] == static_cast<std::uint64_t>((ua * ub) >> 64));
      CHECK(d.run(enc(InsnId::MULHSU, 7, 5, 6), {X(5, a), X(6, b)}).x[7] ==
            static_cast<std::uint64_t>(static_cast<unsigned __int128>(sa * static_cast<__int128>(ub)) >> 64));
      CHECK(d.run(enc(InsnId::MUL, 7, 5, 6), {X(5, a), X(6, b)}).x[7] == a * b);
      CHECK(d.run(enc(InsnId::MULW, 7, 5, 6), {X(5, a), X(6, b)}).x[7] == sext32(a * b));
    }
  }
}

// What an AMO leaves in memory, per the A extension (W forms on 32 bits).
std::uint64_t amo_result(InsnId id, std::uint64_t mem, std::uint64_t src, bool wide) {
  const auto s = [&](std::uint64_t v) {
    return wide ? static_cast<std::int64_t>(v) : static_cast<std::int64_t>(static_cast<std::int32_t>(v));
  };
  const auto u = [&](std::uint64_t v) { return wide ? v : (v & 0xffffffffu); };
  switch (id) {
    case InsnId::AMOSWAP_W:
    case InsnId::AMOSWAP_D:
      return src;
    case InsnId::AMOADD_W:
    case InsnId::AMOADD_D:
      return mem + src;
    case InsnId::AMOXOR_W:
    case InsnId::AMOXOR_D:
      return mem ^ src;
    case InsnId::AMOAND_W:
    case InsnId::AMOAND_D:
      return mem & src;
    case InsnId::AMOOR_W:
    case InsnId::AMOOR_D:
      return mem | src;
    case InsnId::AMOMIN_W:
    case InsnId::AMOMIN_D:
      return s(mem) < s(src) ? mem : src;
    case InsnId::AMOMAX_W:
    case InsnId::AMOMAX_D:
      return s(mem) > s(src) ? mem : src;
    case InsnId::AMOMINU_W:
    case InsnId::AMOMINU_D:
      return u(mem) < u(src) ? mem : src;
    case InsnId::AMOMAXU_W:
    case InsnId::AMOMAXU_D:
      return u(mem) > u(src) ? mem : src;
    default:
      return 0;
  }
}

TEST_CASE("lockstep: every AMO, W and D", "[lockstep][directed]") {
  const InsnId amos[] = {InsnId::AMOSWAP_W, InsnId::AMOADD_W,  InsnId::AMOXOR_W,  InsnId::AMOAND_W,  InsnId::AMOOR_W,
                         InsnId::AMOMIN_W,  InsnId::AMOMAX_W,  InsnId::AMOMINU_W, InsnId::AMOMAXU_W, InsnId::AMOSWAP_D,
                         InsnId::AMOADD_D,  InsnId::AMOXOR_D,  InsnId::AMOAND_D,  InsnId::AMOOR_D,   InsnId::AMOMIN_D,
                         InsnId::AMOMAX_D,  InsnId::AMOMINU_D, InsnId::AMOMAXU_D};
  // Pairs that separate signed from unsigned and 32- from 64-bit compares.
  const std::pair<std::uint64_t, std::uint64_t> operands[] = {{0x00000000fffffff0, 0x0000000000000010},
                                                              {0x7fffffff80000000, 0x8000000000000001},
                                                              {0x0123456789abcdef, 0xfedcba9876543210},
                                                              {5, 5}};
  Directed d;
  const std::uint64_t addr = d.layout().data_base + 0x100;
  for (InsnId id : amos) {
    for (const auto& [mem, src] : operands) {
      INFO(rv::insn_info(id).mnemonic << " mem " << mem << " src " << src);
      const bool wide = rv::insn_info(id).mnemonic.ends_with(".d");
      std::vector<std::uint8_t> bytes(d.layout().data_size, 0xa5);
      std::memcpy(&bytes[0x100], &mem, 8);
      d.set_data(bytes);
      const ArchState after = d.run(enc(id, 7, 5, 6), {X(5, addr), X(6, src)});
      CHECK(after.x[7] == (wide ? mem : sext32(mem)));
      std::uint64_t stored = 0;
      std::memcpy(&stored, d.data().data() + 0x100, 8);
      const std::uint64_t expected = amo_result(id, mem, src, wide);
      CHECK(stored == (wide ? expected : ((mem & 0xffffffff00000000) | (expected & 0xffffffff))));
    }
  }
}

TEST_CASE("lockstep: LR/SC pairs succeed once; SC without a reservation fails", "[lockstep][directed]") {
  Directed d;
  const std::uint64_t addr = d.layout().data_base + 0x40;
  std::vector<std::uint8_t> bytes(d.layout().data_size, 0);
  d.set_data(bytes);
  for (InsnId lr : {InsnId::LR_D, InsnId::LR_W}) {
    const InsnId sc = lr == InsnId::LR_D ? InsnId::SC_D : InsnId::SC_W;
    CHECK(d.run(enc(sc, 7, 5, 6), {X(5, addr), X(6, 0x1111)}).x[7] == 1);  // no reservation
    d.run(enc(lr, 8, 5), {X(5, addr)});
    CHECK(d.run(enc(sc, 7, 5, 6), {X(5, addr), X(6, 0x2222)}).x[7] == 0);
    CHECK(d.data()[0x40] == 0x22);
    CHECK(d.run(enc(sc, 7, 5, 6), {X(5, addr), X(6, 0x3333)}).x[7] == 1);  // reservation used up
    CHECK(d.data()[0x40] == 0x22);
  }
}

TEST_CASE("lockstep: fcvt to integer saturates and flags invalid", "[lockstep][directed]") {
  struct Case {
    InsnId id;
    std::uint64_t in;
    unsigned rm;
    std::uint64_t expected;
    std::uint32_t flags;
  };
  const std::uint64_t kSNaNs = fp::nan_box(0x7fa00000), kNegInfS = fp::nan_box(0xff800000);
  const Case cases[] = {
      {InsnId::FCVT_W_D, kNaN64, 1, 0x7fffffff, kNV},
      {InsnId::FCVT_W_D, kInf64, 1, 0x7fffffff, kNV},
      {InsnId::FCVT_W_D, kNegInf64, 1, 0xffffffff80000000, kNV},
      {InsnId::FCVT_W_D, 0x41e65a0bc0000000, 1, 0x7fffffff, kNV},        // 3e9
      {InsnId::FCVT_W_D, 0xc1e0000000000000, 1, 0xffffffff80000000, 0},  // -2^31 exactly
      {InsnId::FCVT_W_D, 0x41dfffffffe00000, 1, 0x7fffffff, kNX},        // 2^31 - 0.5
      {InsnId::FCVT_WU_D, kNaN64, 1, ~0ull, kNV},
      {InsnId::FCVT_WU_D, 0xbff0000000000000, 1, 0, kNV},      // -1.0
      {InsnId::FCVT_WU_D, 0xbfe0000000000000, 1, 0, kNX},      // -0.5 truncates to 0
      {InsnId::FCVT_WU_D, 0x41efffffffe00000, 1, ~0ull, 0},    // 2^32 - 1
      {InsnId::FCVT_WU_D, 0x41f2a05f20000000, 1, ~0ull, kNV},  // 5e9
      {InsnId::FCVT_L_D, kNaN64, 1, kMax64, kNV},
      {InsnId::FCVT_L_D, kNegInf64, 1, kMin64, kNV},
      {InsnId::FCVT_L_D, 0x43e0000000000000, 1, kMax64, kNV},  // 2^63
      {InsnId::FCVT_L_D, 0xc3e0000000000000, 1, kMin64, 0},    // -2^63
      {InsnId::FCVT_LU_D, kSNaN64, 1, ~0ull, kNV},
      {InsnId::FCVT_LU_D, 0xbff0000000000000, 1, 0, kNV},
      {InsnId::FCVT_LU_D, 0x43f0000000000000, 1, ~0ull, kNV},  // 2^64
      {InsnId::FCVT_W_S, kSNaNs, 1, 0x7fffffff, kNV},
      {InsnId::FCVT_W_S, kNegInfS, 1, 0xffffffff80000000, kNV},
      {InsnId::FCVT_WU_S, kNegInfS, 1, 0, kNV},
      {InsnId::FCVT_L_S, fp::nan_box(0x5f000000), 1, kMax64, kNV},  // 2^63
      {InsnId::FCVT_LU_S, fp::nan_box(0x5f800000), 1, ~0ull, kNV},  // 2^64
      {InsnId::FCVT_LU_S, kNegInfS, 1, 0, kNV},
  };
  Directed d;
  for (const Case& c : cases) {
    INFO(rv::insn_info(c.id).mnemonic << " of " << std::hex << c.in);
    const ArchState after = d.run(enc(c.id, 7, 2, 0, c.rm), {F(2, c.in)});
    CHECK(after.x[7] == c.expected);
    CHECK((after.fcsr & 0x1f) == c.flags);
  }
}

TEST_CASE("lockstep: fmin/fmax with signalling NaNs return the number", "[lockstep][directed]") {
  struct Case {
    InsnId id;
    std::uint64_t a, b, expected;
    std::uint32_t flags;
  };
  const std::uint64_t kOneS = fp::nan_box(0x3f800000), kSNaNs = fp::nan_box(0x7fa00000);
  const Case cases[] = {
      {InsnId::FMIN_D, kSNaN64, kOne64, kOne64, kNV},
      {InsnId::FMAX_D, kTwo64, kSNaN64, kTwo64, kNV},
      {InsnId::FMIN_D, kSNaN64, kNaN64, kNaN64, kNV},
      {InsnId::FMAX_D, 0x7ff8000000000123, kOne64, kOne64, 0},
      {InsnId::FMIN_D, 0x7ff8000000000123, 0xfff8000000000001, kNaN64, 0},
      {InsnId::FMIN_D, 0x8000000000000000, 0, 0x8000000000000000, 0},
      {InsnId::FMAX_D, 0x8000000000000000, 0, 0, 0},
      {InsnId::FMIN_S, kSNaNs, kOneS, kOneS, kNV},
      {InsnId::FMAX_S, kOneS, kSNaNs, kOneS, kNV},
      {InsnId::FMAX_S, kSNaNs, kSNaNs, fp::nan_box(fp::kCanonicalNaN32), kNV},
  };
  Directed d;
  for (const Case& c : cases) {
    INFO(rv::insn_info(c.id).mnemonic << " " << std::hex << c.a << ", " << c.b);
    const ArchState after = d.run(enc(c.id, 1, 2, 3), {F(2, c.a), F(3, c.b)});
    CHECK(after.f[1] == c.expected);
    CHECK((after.fcsr & 0x1f) == c.flags);
  }
}

TEST_CASE("lockstep: each rounding mode, static and dynamic", "[lockstep][directed]") {
  // fcvt.w.d of ties and halves: RNE, RTZ, RDN, RUP, RMM.
  struct Case {
    std::uint64_t in;
    std::int64_t expected[5];
  };
  const Case cases[] = {
      {0x4004000000000000, {2, 2, 2, 3, 3}},       // 2.5
      {0xc004000000000000, {-2, -2, -3, -2, -3}},  // -2.5
      {0x3ff8000000000000, {2, 1, 1, 2, 2}},       // 1.5
      {0xbfe0000000000000, {0, 0, -1, 0, -1}},     // -0.5
  };
  Directed d;
  for (unsigned rm = 0; rm < 5; ++rm) {
    for (const Case& c : cases) {
      INFO("rm " << rm << " input " << std::hex << c.in);
      const auto expected = static_cast<std::uint64_t>(c.expected[rm]);
      CHECK(d.run(enc(InsnId::FCVT_W_D, 7, 2, 0, rm), {F(2, c.in)}).x[7] == expected);
      CHECK(d.run(enc(InsnId::FCVT_W_D, 7, 2, 0, 7), {F(2, c.in)}, rm << 5).x[7] == expected);
    }
    // Arithmetic that rounds: compared with Unicorn (QEMU softfloat) only.
    const std::uint64_t third = 0x3fd5555555555555, three = 0x4008000000000000;
    d.run(enc(InsnId::FDIV_D, 1, 2, 3, rm), {F(2, kOne64), F(3, three)});
    d.run(enc(InsnId::FDIV_S, 1, 2, 3, 7), {F(2, fp::nan_box(0x3f800000)), F(3, fp::nan_box(0x40400000))}, rm << 5);
    d.run(enc(InsnId::FADD_D, 1, 2, 3, rm), {F(2, kOne64), F(3, 0x3ca0000000000001)});  // 1 + just over half an ulp
    d.run(enc(InsnId::FMUL_S, 1, 2, 3, rm), {F(2, fp::nan_box(0x3f800001)), F(3, fp::nan_box(0x3f7fffff))});
    d.run(enc(InsnId::FSQRT_D, 1, 2, 0, rm), {F(2, kTwo64)});
    d.run(enc(InsnId::FCVT_S_D, 1, 2, 0, rm), {F(2, third)});
    d.run(enc(InsnId::FCVT_S_L, 1, 5, 0, rm), {X(5, 0x7fffffffffffffff)});
    d.run(enc(InsnId::FCVT_D_LU, 1, 5, 0, rm), {X(5, 0xffffffffffffffff)});
    d.run(enc(InsnId::FADD_D, 1, 2, 3, rm),
          {F(2, kOne64), F(3, 0xbff0000000000000)});  // exact zero: sign depends on RDN
    rv::DecodedInsn fma{
        .id = InsnId::FMADD_D, .rd = 1, .rs1 = 2, .rs2 = 3, .rs3 = 4, .rm = static_cast<std::uint8_t>(rm)};
    d.run(rv::encode(fma), {F(2, third), F(3, three), F(4, 0xbff0000000000000)});
  }
}

TEST_CASE("lockstep: reserved rounding modes are illegal in both", "[lockstep][directed]") {
  Directed d;
  for (unsigned rm : {5u, 6u}) {
    d.run(enc(InsnId::FADD_D, 1, 2, 3, rm), {F(2, kOne64), F(3, kOne64)});
    CHECK(d.outcome().trapped);
    CHECK(d.outcome().cause == 2);
  }
  for (unsigned frm : {5u, 6u, 7u}) {
    d.run(enc(InsnId::FADD_D, 1, 2, 3, 7), {F(2, kOne64), F(3, kOne64)}, frm << 5);
    CHECK(d.outcome().trapped);
    CHECK(d.outcome().cause == 2);
  }
}

TEST_CASE("lockstep: misaligned loads and stores, also across a page", "[lockstep][directed]") {
  Directed d;
  std::vector<std::uint8_t> bytes(d.layout().data_size);
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(i * 7 + 3);
  d.set_data(bytes);
  const std::uint64_t page_end = d.layout().data_base + 4096;
  for (std::uint64_t addr : {page_end - 3, page_end - 1, page_end - 7, d.layout().data_base + 1}) {
    INFO("address " << std::hex << addr);
    for (InsnId id : {InsnId::LD, InsnId::LW, InsnId::LWU, InsnId::LH, InsnId::LHU})
      d.run(enc(id, 7, 5, 0, 0, 0), {X(5, addr)});
    d.run(enc(InsnId::FLD, 1, 5, 0, 0, 0), {X(5, addr)});
    d.run(enc(InsnId::FLW, 1, 5, 0, 0, 0), {X(5, addr)});
    d.run(enc(InsnId::SD, 0, 5, 6, 0, 0), {X(5, addr), X(6, 0x0102030405060708)});
    d.run(enc(InsnId::SW, 0, 5, 6, 0, 0), {X(5, addr + 1), X(6, 0xa1a2a3a4)});
    d.run(enc(InsnId::FSD, 0, 5, 2, 0, 0), {X(5, addr), F(2, 0xf1f2f3f4f5f6f7f8)});
    const ArchState after = d.run(enc(InsnId::LD, 7, 5, 0, 0, 0), {X(5, addr)});
    CHECK(after.x[7] == 0xf1f2f3f4f5f6f7f8);
  }
}

TEST_CASE("lockstep: FP CSR reads and writes", "[lockstep][directed]") {
  Directed d;
  // Writing fcsr keeps only frm and fflags.
  ArchState after = d.run(enc_csr(InsnId::CSRRW, 7, 5, 0x003), {X(5, 0xffffffffffffff3f)}, 0x41);
  CHECK(after.x[7] == 0x41);
  CHECK(after.fcsr == 0x3f);
  after = d.run(enc_csr(InsnId::CSRRS, 7, 5, 0x002), {X(5, 0x4)}, 0x21);
  CHECK(after.x[7] == 1);
  CHECK(after.fcsr == 0xa1);
  after = d.run(enc_csr(InsnId::CSRRCI, 7, 0x3, 0x001), {}, 0x9f);
  CHECK(after.x[7] == 0x1f);
  CHECK(after.fcsr == 0x9c);
  d.run(enc_csr(InsnId::CSRRWI, 7, 0x1f, 0x002), {}, 0x00);
  d.run(enc_csr(InsnId::CSRRS, 7, 0, 0x003), {}, 0xff);
}

// Unicorn 2.0 (QEMU 5.0) predates NaN-boxing, so these are checked in vm
// alone against the F extension's rule: an improperly boxed single operand
// reads as the canonical NaN, and every single result is boxed.
TEST_CASE("NaN-boxing of single-precision operands and results (vm only)", "[lockstep][directed]") {
  const MemoryLayout layout;
  auto vm = VmMachine::create(layout);
  REQUIRE(vm.has_value());
  VmMachine& m = **vm;
  std::uint64_t pc = layout.code_base;
  const auto run = [&](std::uint32_t raw) {
    const std::uint8_t bytes[4] = {static_cast<std::uint8_t>(raw), static_cast<std::uint8_t>(raw >> 8),
                                   static_cast<std::uint8_t>(raw >> 16), static_cast<std::uint8_t>(raw >> 24)};
    m.write(pc, bytes);
    REQUIRE_FALSE(m.step(pc).trapped);
    pc += 4;
    return m.state();
  };
  const std::uint64_t kUnboxedOne = 0x000000003f800000, kBoxedMinusOne = fp::nan_box(0xbf800000);
  m.set_f(2, kUnboxedOne);
  m.set_f(3, fp::nan_box(0x3f800000));
  CHECK(run(enc(InsnId::FADD_S, 1, 2, 3, 0)).f[1] == fp::nan_box(fp::kCanonicalNaN32));
  m.set_f(3, kBoxedMinusOne);
  CHECK(run(enc(InsnId::FSGNJ_S, 1, 2, 3)).f[1] == fp::nan_box(0xffc00000));
  CHECK(run(enc(InsnId::FCVT_D_S, 1, 2, 0, 0)).f[1] == kNaN64);
  CHECK(run(enc(InsnId::FCLASS_S, 7, 2)).x[7] == 0x200);      // quiet NaN
  CHECK(run(enc(InsnId::FMV_X_W, 7, 2)).x[7] == 0x3f800000);  // raw move: no unboxing
  m.set_x(5, 0x12345678c0000000);
  CHECK(run(enc(InsnId::FMV_W_X, 1, 5)).f[1] == fp::nan_box(0xc0000000));
  CHECK(run(enc(InsnId::FCVT_S_L, 1, 5, 0, 0)).f[1] >> 32 == 0xffffffff);
  m.set_x(5, layout.data_base);
  CHECK(run(enc(InsnId::FLW, 1, 5, 0, 0, 0)).f[1] == fp::nan_box(0));
}

}  // namespace
