// Hand-computed conversion cases: RISC-V's saturating float -> integer at
// every range boundary, integer -> float rounding, binary64 <-> binary32,
// sign-extension of 32-bit results, in all five rounding modes.
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <vector>

#include "vm/cross_arch/ir/op.hpp"
#include "vm/cross_arch/riscv/fp.hpp"

namespace fp = vm::cross_arch::riscv::fp;
using Op = vm::cross_arch::ir::Opcode;

namespace {

constexpr std::uint32_t NX = fp::kFlagNX, UF = fp::kFlagUF, OF = fp::kFlagOF, NV = fp::kFlagNV;
constexpr unsigned RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4;

constexpr std::uint64_t S(std::uint32_t bits) { return fp::nan_box(bits); }

constexpr std::uint64_t kIntMax = 0x7fffffff, kIntMin = 0xffffffff80000000;  // sign-extended
constexpr std::uint64_t kAllOnes = ~0ull;
constexpr std::uint64_t kLongMax = 0x7fffffffffffffff, kLongMin = 0x8000000000000000;

struct Case {
  Op op;
  std::uint64_t a;
  unsigned rm;
  std::uint64_t expected;
  std::uint32_t flags;
};

void check(const Case& t) {
  std::uint32_t flags = 0;
  std::uint32_t soft_flags = 0;
  const std::uint64_t got = fp::execute(t.op, t.a, 0, 0, t.rm, flags);
  const std::uint64_t soft = fp::execute_soft(t.op, t.a, 0, 0, t.rm, soft_flags);
  INFO(vm::cross_arch::ir::name_of(t.op) << " rm=" << t.rm << std::hex << " a=0x" << t.a << " got=0x" << got
                                         << " flags=0x" << flags);
  CHECK(got == t.expected);
  CHECK(flags == t.flags);
  CHECK(soft == got);
  CHECK(soft_flags == flags);
}

void check_all(const std::vector<Case>& cases) {
  for (const Case& t : cases) check(t);
}

struct Result {
  std::uint64_t value;
  std::uint32_t flags;
};
// Expected results in RNE, RTZ, RDN, RUP, RMM order.
void check_modes(Op op, std::uint64_t a, const std::array<Result, 5>& r) {
  for (unsigned rm = 0; rm < 5; ++rm) check({op, a, rm, r[rm].value, r[rm].flags});
}

}  // namespace

TEST_CASE("fcvt.w: saturation at the int32 boundaries", "[fp][convert]") {
  check_all({
      {Op::FcvtWS, S(0x4f000000), RNE, kIntMax, NV},         // 2^31
      {Op::FcvtWS, S(0xcf000000), RNE, kIntMin, 0},          // -2^31 exactly
      {Op::FcvtWS, S(0xcf000001), RNE, kIntMin, NV},         // -2^31 - 256
      {Op::FcvtWS, S(0x4effffff), RNE, 0x7fffff80, 0},       // largest single below 2^31
      {Op::FcvtWS, S(0x7fc00000), RNE, kIntMax, NV},         // NaN -> max
      {Op::FcvtWS, S(0xffc00000), RNE, kIntMax, NV},         // negative NaN -> max too
      {Op::FcvtWS, S(0x7f800001), RNE, kIntMax, NV},         // sNaN
      {Op::FcvtWS, S(0x7f800000), RNE, kIntMax, NV},         // +inf
      {Op::FcvtWS, S(0xff800000), RNE, kIntMin, NV},         // -inf
      {Op::FcvtWS, S(0x80000000), RNE, 0, 0},                // -0
      {Op::FcvtWS, S(0xbf800000), RNE, kAllOnes, 0},         // -1 sign-extended
      {Op::FcvtWS, 0x000000003f800000, RNE, kIntMax, NV},    // unboxed: reads as NaN
      {Op::FcvtWD, 0x41dfffffffc00000, RNE, 0x7fffffff, 0},  // 2^31 - 1
      {Op::FcvtWD, 0xc1e0000000000000, RNE, kIntMin, 0},     // -2^31
      {Op::FcvtWD, 0xc1e0000000200000, RNE, kIntMin, NV},    // -2^31 - 1
      {Op::FcvtWD, 0x41e0000000000000, RTZ, kIntMax, NV},    // 2^31
      {Op::FcvtWD, 0x7ff0000000000001, RNE, kIntMax, NV},
      {Op::FcvtWD, 0x0000000000000001, RUP, 1, NX},  // min subnormal
      {Op::FcvtWD, 0x0000000000000001, RNE, 0, NX},
  });
  // 2^31 - 0.5 rounds in range only when it rounds down.
  check_modes(Op::FcvtWD, 0x41dfffffffe00000,
              {{{kIntMax, NV}, {kIntMax, NX}, {kIntMax, NX}, {kIntMax, NV}, {kIntMax, NV}}});
  // -2^31 - 0.5: a tie whose even neighbour is -2^31.
  check_modes(Op::FcvtWD, 0xc1e0000000100000,
              {{{kIntMin, NX}, {kIntMin, NX}, {kIntMin, NV}, {kIntMin, NX}, {kIntMin, NV}}});
  check_modes(Op::FcvtWS, S(0xbf000000),  // -0.5
              {{{0, NX}, {0, NX}, {kAllOnes, NX}, {0, NX}, {kAllOnes, NX}}});
  check_modes(Op::FcvtWS, S(0x40200000),  // 2.5
              {{{2, NX}, {2, NX}, {2, NX}, {3, NX}, {3, NX}}});
  check_modes(Op::FcvtWS, S(0xc0200000),  // -2.5
              {{{static_cast<std::uint64_t>(-2), NX},
                {static_cast<std::uint64_t>(-2), NX},
                {static_cast<std::uint64_t>(-3), NX},
                {static_cast<std::uint64_t>(-2), NX},
                {static_cast<std::uint64_t>(-3), NX}}});
}

TEST_CASE("fcvt.wu: negative inputs and 32-bit results sign-extended", "[fp][convert]") {
  check_all({
      {Op::FcvtWuS, S(0xbe99999a), RTZ, 0, NX},                  // -0.3 -> 0, inexact only
      {Op::FcvtWuS, S(0xbf800000), RNE, 0, NV},                  // -1
      {Op::FcvtWuS, S(0x4f800000), RNE, kAllOnes, NV},           // 2^32
      {Op::FcvtWuS, S(0x4f7fffff), RNE, 0xffffffffffffff00, 0},  // 2^32 - 256, sign-extended
      {Op::FcvtWuS, S(0x4f000000), RNE, 0xffffffff80000000, 0},  // 2^31, sign-extended
      {Op::FcvtWuS, S(0x7fc00000), RNE, kAllOnes, NV},
      {Op::FcvtWuS, S(0x7f800000), RNE, kAllOnes, NV},
      {Op::FcvtWuS, S(0xff800000), RNE, 0, NV},
      {Op::FcvtWuS, S(0x80000000), RNE, 0, 0},
      {Op::FcvtWuD, 0x41efffffffe00000, RNE, kAllOnes, 0},   // 2^32 - 1
      {Op::FcvtWuD, 0x41effffffff00000, RNE, kAllOnes, NV},  // 2^32 - 0.5 -> 2^32
      {Op::FcvtWuD, 0x41effffffff00000, RTZ, kAllOnes, NX},  // -> 2^32 - 1
      {Op::FcvtWuD, 0x3ff8000000000000, RNE, 2, NX},         // 1.5
  });
  // -0.5: valid (0, inexact) unless the mode rounds it to -1.
  check_modes(Op::FcvtWuS, S(0xbf000000), {{{0, NX}, {0, NX}, {0, NV}, {0, NX}, {0, NV}}});
}

TEST_CASE("fcvt.l and fcvt.lu: 64-bit boundaries", "[fp][convert]") {
  check_all({
      {Op::FcvtLD, 0x43e0000000000000, RNE, kLongMax, NV},  // 2^63
      {Op::FcvtLD, 0xc3e0000000000000, RNE, kLongMin, 0},   // -2^63
      {Op::FcvtLD, 0xc3e0000000000001, RNE, kLongMin, NV},  // -2^63 - 2048
      {Op::FcvtLD, 0x43dfffffffffffff, RNE, 0x7ffffffffffffc00, 0},
      {Op::FcvtLD, 0x7ff8000000000000, RNE, kLongMax, NV},
      {Op::FcvtLD, 0xfff0000000000000, RNE, kLongMin, NV},
      {Op::FcvtLD, 0x7ff0000000000000, RNE, kLongMax, NV},
      {Op::FcvtLuD, 0x43f0000000000000, RNE, kAllOnes, NV},  // 2^64
      {Op::FcvtLuD, 0x43efffffffffffff, RNE, 0xfffffffffffff800, 0},
      {Op::FcvtLuD, 0x43e0000000000000, RNE, 0x8000000000000000, 0},  // 2^63 fits unsigned
      {Op::FcvtLuD, 0xbff0000000000000, RNE, 0, NV},                  // -1
      {Op::FcvtLuD, 0xbfd3333333333333, RTZ, 0, NX},                  // -0.3
      {Op::FcvtLuD, 0x7ff8000000000000, RNE, kAllOnes, NV},
      {Op::FcvtLuD, 0xfff0000000000000, RNE, 0, NV},
      {Op::FcvtLS, S(0x5f000000), RNE, kLongMax, NV},  // 2^63
      {Op::FcvtLS, S(0xdf000000), RNE, kLongMin, 0},   // -2^63
      {Op::FcvtLS, S(0x7fc00000), RNE, kLongMax, NV},
      {Op::FcvtLuS, S(0x5f800000), RNE, kAllOnes, NV},  // 2^64
      {Op::FcvtLuS, S(0x5f7fffff), RNE, 0xffffff0000000000, 0},
      {Op::FcvtLuS, S(0xff800000), RNE, 0, NV},
      {Op::FcvtLuS, S(0x3f000000), RMM, 1, NX},  // 0.5
  });
  check_modes(Op::FcvtLS, S(0xbfc00000),  // -1.5
              {{{static_cast<std::uint64_t>(-2), NX},
                {kAllOnes, NX},
                {static_cast<std::uint64_t>(-2), NX},
                {kAllOnes, NX},
                {static_cast<std::uint64_t>(-2), NX}}});
  check_modes(Op::FcvtLS, S(0x3f000000),  // 0.5
              {{{0, NX}, {0, NX}, {0, NX}, {1, NX}, {1, NX}}});
}

TEST_CASE("integer to float rounds in every mode", "[fp][convert][rounding]") {
  check_all({
      {Op::FcvtSW, 0x00000000ffffffff, RNE, S(0xbf800000), 0},  // low 32 bits = -1
      {Op::FcvtSW, 0x1234567800000001, RNE, S(0x3f800000), 0},  // upper bits ignored
      {Op::FcvtSW, 0, RNE, S(0), 0},
      {Op::FcvtSW, 0, RDN, S(0), 0},  // +0 even in RDN
      {Op::FcvtSWu, 0xffffffff00000000, RNE, S(0), 0},
      {Op::FcvtSWu, 0xffffffff, RNE, S(0x4f800000), NX},  // 2^32 - 1
      {Op::FcvtSWu, 0xffffffff, RTZ, S(0x4f7fffff), NX},
      {Op::FcvtSL, 0x8000000000000000, RNE, S(0xdf000000), 0},  // -2^63
      {Op::FcvtSLu, kAllOnes, RNE, S(0x5f800000), NX},
      {Op::FcvtSLu, kAllOnes, RTZ, S(0x5f7fffff), NX},
      {Op::FcvtDW, 0x80000000, RNE, 0xc1e0000000000000, 0},  // -2^31, exact
      {Op::FcvtDW, 0x80000000, RMM, 0xc1e0000000000000, 0},
      {Op::FcvtDWu, 0xffffffff, RNE, 0x41efffffffe00000, 0},
      {Op::FcvtDL, kAllOnes, RNE, 0xbff0000000000000, 0},
      {Op::FcvtDLu, kAllOnes, RNE, 0x43f0000000000000, NX},
      {Op::FcvtDLu, kAllOnes, RTZ, 0x43efffffffffffff, NX},
  });
  // 2^24 + 1 is a tie between 2^24 (even) and 2^24 + 2.
  check_modes(
      Op::FcvtSW, 0x1000001,
      {{{S(0x4b800000), NX}, {S(0x4b800000), NX}, {S(0x4b800000), NX}, {S(0x4b800001), NX}, {S(0x4b800001), NX}}});
  check_modes(
      Op::FcvtSW, 0xfffffffffeffffff,  // -(2^24 + 1)
      {{{S(0xcb800000), NX}, {S(0xcb800000), NX}, {S(0xcb800001), NX}, {S(0xcb800000), NX}, {S(0xcb800001), NX}}});
  // 2^24 + 3 is a tie whose even neighbour is above.
  check_modes(
      Op::FcvtSLu, 0x1000003,
      {{{S(0x4b800002), NX}, {S(0x4b800001), NX}, {S(0x4b800001), NX}, {S(0x4b800002), NX}, {S(0x4b800002), NX}}});
  check_modes(Op::FcvtDL, 0x20000000000001,  // 2^53 + 1
              {{{0x4340000000000000, NX},
                {0x4340000000000000, NX},
                {0x4340000000000000, NX},
                {0x4340000000000001, NX},
                {0x4340000000000001, NX}}});
}

TEST_CASE("fcvt.s.d rounds, fcvt.d.s is exact, NaNs become canonical", "[fp][convert][rounding]") {
  check_all({
      {Op::FcvtSD, 0x3ff8000000000000, RNE, S(0x3fc00000), 0},
      {Op::FcvtSD, 0x3fd5555555555555, RNE, S(0x3eaaaaab), NX},
      {Op::FcvtSD, 0x3fd5555555555555, RTZ, S(0x3eaaaaaa), NX},
      {Op::FcvtSD, 0x7fefffffffffffff, RNE, S(0x7f800000), OF | NX},
      {Op::FcvtSD, 0x7fefffffffffffff, RTZ, S(0x7f7fffff), OF | NX},
      {Op::FcvtSD, 0xffefffffffffffff, RDN, S(0xff800000), OF | NX},
      {Op::FcvtSD, 0xffefffffffffffff, RUP, S(0xff7fffff), OF | NX},
      {Op::FcvtSD, 0x7ff0000000000001, RNE, S(0x7fc00000), NV},
      {Op::FcvtSD, 0x7ff8000000abcdef, RNE, S(0x7fc00000), 0},
      {Op::FcvtSD, 0xfff0000000000000, RNE, S(0xff800000), 0},
      {Op::FcvtSD, 0x8000000000000000, RNE, S(0x80000000), 0},
      {Op::FcvtSD, 0x0010000000000000, RNE, S(0), UF | NX},           // min normal double
      {Op::FcvtSD, 0x36a0000000000000, RNE, S(1), 0},                 // 2^-149, exact subnormal
      {Op::FcvtSD, 0x380fffffe0000000, RNE, S(0x00800000), UF | NX},  // 2^-126 - 2^-150: tiny
      {Op::FcvtDS, S(0x3f800000), RNE, 0x3ff0000000000000, 0},
      {Op::FcvtDS, S(1), RNE, 0x36a0000000000000, 0},
      {Op::FcvtDS, S(0x7f800001), RNE, 0x7ff8000000000000, NV},
      {Op::FcvtDS, S(0x7fc12345), RNE, 0x7ff8000000000000, 0},
      {Op::FcvtDS, S(0xff800000), RNE, 0xfff0000000000000, 0},
      {Op::FcvtDS, S(0x80000000), RNE, 0x8000000000000000, 0},
      {Op::FcvtDS, 0x000000003f800000, RNE, 0x7ff8000000000000, 0},  // unboxed: canonical NaN
  });
  check_modes(
      Op::FcvtSD, 0x3ff0000010000000,  // 1 + 2^-24, a tie
      {{{S(0x3f800000), NX}, {S(0x3f800000), NX}, {S(0x3f800000), NX}, {S(0x3f800001), NX}, {S(0x3f800001), NX}}});
  check_modes(Op::FcvtSD, 0x3690000000000000,  // 2^-150: half the smallest subnormal
              {{{S(0), UF | NX}, {S(0), UF | NX}, {S(0), UF | NX}, {S(1), UF | NX}, {S(1), UF | NX}}});
  // 2^-126 - 2^-151 rounds to 2^-126 at 24 bits with an unbounded exponent
  // (in RNE/RUP/RMM), so it is not tiny after rounding: NX without UF.
  check_modes(Op::FcvtSD, 0x380ffffff0000000,
              {{{S(0x00800000), NX},
                {S(0x007fffff), UF | NX},
                {S(0x007fffff), UF | NX},
                {S(0x00800000), NX},
                {S(0x00800000), NX}}});
}
