// Hand-computed F/D arithmetic cases: special operands, signed zeros, NaN
// canonicalisation and flags for add/sub/mul/div/sqrt/fma, and ties and
// near-ties in all five rounding modes (RMM included).
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <vector>

#include "vm/cross_arch/ir/op.hpp"
#include "vm/cross_arch/riscv/fp.hpp"

namespace fp = vm::cross_arch::riscv::fp;
using vm::cross_arch::ir::Opcode;
using Op = vm::cross_arch::ir::Opcode;

namespace {

constexpr std::uint32_t NX = fp::kFlagNX, UF = fp::kFlagUF, OF = fp::kFlagOF, DZ = fp::kFlagDZ, NV = fp::kFlagNV;
constexpr unsigned RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4;

constexpr std::uint64_t S(std::uint32_t bits) { return fp::nan_box(bits); }

// Singles.
constexpr std::uint64_t kOneS = S(0x3f800000), kTwoS = S(0x40000000), kThreeS = S(0x40400000);
constexpr std::uint64_t kMinusOneS = S(0xbf800000), kZeroS = S(0), kNegZeroS = S(0x80000000);
constexpr std::uint64_t kInfS = S(0x7f800000), kNegInfS = S(0xff800000);
constexpr std::uint64_t kQNaNS = S(0x7fc00000), kSNaNS = S(0x7f800001), kPayloadNaNS = S(0x7fc12345);
constexpr std::uint64_t kMaxS = S(0x7f7fffff), kCanonS = S(0x7fc00000);
// Doubles.
constexpr std::uint64_t kOneD = 0x3ff0000000000000, kTwoD = 0x4000000000000000;
constexpr std::uint64_t kThreeD = 0x4008000000000000, kZeroD = 0, kNegZeroD = 0x8000000000000000;
constexpr std::uint64_t kInfD = 0x7ff0000000000000, kNegInfD = 0xfff0000000000000;
constexpr std::uint64_t kSNaND = 0x7ff0000000000001, kPayloadNaND = 0x7ff8000000abcdef;
constexpr std::uint64_t kMaxD = 0x7fefffffffffffff, kCanonD = 0x7ff8000000000000;

struct Case {
  Op op;
  std::uint64_t a, b, c;
  unsigned rm;
  std::uint64_t expected;
  std::uint32_t flags;
};

// Runs both the dispatching path and the software path; they must agree.
void check(const Case& t) {
  std::uint32_t flags = 0;
  std::uint32_t soft_flags = 0;
  const std::uint64_t got = fp::execute(t.op, t.a, t.b, t.c, t.rm, flags);
  const std::uint64_t soft = fp::execute_soft(t.op, t.a, t.b, t.c, t.rm, soft_flags);
  INFO(vm::cross_arch::ir::name_of(t.op) << " rm=" << t.rm << std::hex << " a=0x" << t.a << " b=0x" << t.b << " c=0x"
                                         << t.c << " got=0x" << got << " flags=0x" << flags);
  CHECK(got == t.expected);
  CHECK(flags == t.flags);
  CHECK(soft == got);
  CHECK(soft_flags == flags);
}

// One operation, expected results in RNE, RTZ, RDN, RUP, RMM order.
struct Result {
  std::uint64_t value;
  std::uint32_t flags;
};
void check_modes(Op op, std::uint64_t a, std::uint64_t b, std::uint64_t c, const std::array<Result, 5>& r) {
  for (unsigned rm = 0; rm < 5; ++rm) check({op, a, b, c, rm, r[rm].value, r[rm].flags});
}

void check_all(const std::vector<Case>& cases) {
  for (const Case& t : cases) check(t);
}

}  // namespace

TEST_CASE("add and sub: specials, signed zeros, NaNs", "[fp][arith]") {
  check_all({
      {Op::FaddS, kOneS, kTwoS, 0, RNE, kThreeS, 0},
      {Op::FaddS, kInfS, kNegInfS, 0, RNE, kCanonS, NV},
      {Op::FaddS, kInfS, kMinusOneS, 0, RNE, kInfS, 0},
      {Op::FaddS, kOneS, kMinusOneS, 0, RNE, kZeroS, 0},
      {Op::FaddS, kOneS, kMinusOneS, 0, RDN, kNegZeroS, 0},
      {Op::FaddS, kNegZeroS, kNegZeroS, 0, RNE, kNegZeroS, 0},
      {Op::FaddS, kZeroS, kNegZeroS, 0, RNE, kZeroS, 0},
      {Op::FaddS, kZeroS, kNegZeroS, 0, RDN, kNegZeroS, 0},
      {Op::FaddS, kNegZeroS, kOneS, 0, RNE, kOneS, 0},
      {Op::FaddS, kSNaNS, kOneS, 0, RNE, kCanonS, NV},
      {Op::FaddS, kOneS, kSNaNS, 0, RNE, kCanonS, NV},
      {Op::FaddS, kPayloadNaNS, kOneS, 0, RNE, kCanonS, 0},  // no payload propagation
      {Op::FaddS, 0x3f800000, kOneS, 0, RNE, kCanonS, 0},    // not NaN-boxed: reads as qNaN
      {Op::FaddS, kMaxS, kMaxS, 0, RNE, kInfS, OF | NX},
      {Op::FaddS, kMaxS, kMaxS, 0, RTZ, kMaxS, OF | NX},
      {Op::FsubS, kInfS, kInfS, 0, RNE, kCanonS, NV},
      {Op::FsubS, kThreeS, kOneS, 0, RNE, kTwoS, 0},
      {Op::FsubS, kOneS, kOneS, 0, RNE, kZeroS, 0},
      {Op::FsubS, kOneS, kOneS, 0, RDN, kNegZeroS, 0},
      {Op::FsubS, kNegZeroS, kZeroS, 0, RNE, kNegZeroS, 0},
      {Op::FsubS, kSNaNS, kQNaNS, 0, RNE, kCanonS, NV},
      {Op::FaddD, kOneD, kTwoD, 0, RNE, kThreeD, 0},
      {Op::FaddD, kNegInfD, kInfD, 0, RNE, kCanonD, NV},
      {Op::FaddD, kOneD, 0xbff0000000000000, 0, RDN, kNegZeroD, 0},
      {Op::FaddD, kSNaND, kOneD, 0, RNE, kCanonD, NV},
      {Op::FaddD, kPayloadNaND, kOneD, 0, RNE, kCanonD, 0},
      {Op::FaddD, kMaxD, kMaxD, 0, RUP, kInfD, OF | NX},
      {Op::FaddD, kMaxD, kMaxD, 0, RDN, kMaxD, OF | NX},
      {Op::FsubD, kNegZeroD, kZeroD, 0, RNE, kNegZeroD, 0},
      {Op::FsubD, kThreeD, kOneD, 0, RNE, kTwoD, 0},
      // Subnormal sums are exact: min subnormal + min subnormal.
      {Op::FaddS, S(1), S(1), 0, RNE, S(2), 0},
      {Op::FaddD, 1, 0x000fffffffffffff, 0, RNE, 0x0010000000000000, 0},
  });
}

TEST_CASE("add rounds ties and near-ties in every mode", "[fp][arith][rounding]") {
  // 1 + 2^-24: exactly half an ulp above 1.0 (even), so RNE stays, RMM goes up.
  check_modes(
      Op::FaddS, kOneS, S(0x33800000), 0,
      {{{S(0x3f800000), NX}, {S(0x3f800000), NX}, {S(0x3f800000), NX}, {S(0x3f800001), NX}, {S(0x3f800001), NX}}});
  // (1 + 2^-23) + 2^-24: a tie next to an odd significand; RNE and RMM agree.
  check_modes(
      Op::FaddS, S(0x3f800001), S(0x33800000), 0,
      {{{S(0x3f800002), NX}, {S(0x3f800001), NX}, {S(0x3f800001), NX}, {S(0x3f800002), NX}, {S(0x3f800002), NX}}});
  // -1 - 2^-24: negative tie; RDN and RMM move away from zero.
  check_modes(
      Op::FaddS, kMinusOneS, S(0xb3800000), 0,
      {{{S(0xbf800000), NX}, {S(0xbf800000), NX}, {S(0xbf800001), NX}, {S(0xbf800000), NX}, {S(0xbf800001), NX}}});
  // 1 + 2^-25: below half, so RMM stays.
  check_modes(
      Op::FaddS, kOneS, S(0x33000000), 0,
      {{{S(0x3f800000), NX}, {S(0x3f800000), NX}, {S(0x3f800000), NX}, {S(0x3f800001), NX}, {S(0x3f800000), NX}}});
  // Doubles: 1 + 2^-53 and (1 + 2^-52) + 2^-53.
  check_modes(Op::FaddD, kOneD, 0x3ca0000000000000, 0,
              {{{kOneD, NX}, {kOneD, NX}, {kOneD, NX}, {0x3ff0000000000001, NX}, {0x3ff0000000000001, NX}}});
  check_modes(Op::FaddD, 0x3ff0000000000001, 0x3ca0000000000000, 0,
              {{{0x3ff0000000000002, NX},
                {0x3ff0000000000001, NX},
                {0x3ff0000000000001, NX},
                {0x3ff0000000000002, NX},
                {0x3ff0000000000002, NX}}});
  // Overflow by half an ulp: max + 2^103 is a tie at the top of the range.
  check_modes(Op::FaddS, kMaxS, S(0x73000000), 0,
              {{{kInfS, OF | NX}, {kMaxS, NX}, {kMaxS, NX}, {kInfS, OF | NX}, {kInfS, OF | NX}}});
}

TEST_CASE("mul: specials, ties, overflow and tininess after rounding", "[fp][arith][rounding]") {
  check_all({
      {Op::FmulS, kTwoS, kThreeS, 0, RNE, S(0x40c00000), 0},
      {Op::FmulS, kZeroS, kInfS, 0, RNE, kCanonS, NV},
      {Op::FmulS, kNegInfS, kNegZeroS, 0, RNE, kCanonS, NV},
      {Op::FmulS, kNegZeroS, kThreeS, 0, RNE, kNegZeroS, 0},
      {Op::FmulS, kMinusOneS, kInfS, 0, RNE, kNegInfS, 0},
      {Op::FmulS, kSNaNS, kZeroS, 0, RNE, kCanonS, NV},
      {Op::FmulS, kQNaNS, kInfS, 0, RNE, kCanonS, 0},
      {Op::FmulD, kNegZeroD, kInfD, 0, RNE, kCanonD, NV},
      {Op::FmulD, kMaxD, 0xc000000000000000, 0, RNE, kNegInfD, OF | NX},
      {Op::FmulD, kMaxD, 0xc000000000000000, 0, RUP, 0xffefffffffffffff, OF | NX},
      {Op::FmulD, kMaxD, 0xc000000000000000, 0, RDN, kNegInfD, OF | NX},
      // Product underflowing to zero: min subnormal squared.
      {Op::FmulS, S(1), S(1), 0, RNE, kZeroS, UF | NX},
      {Op::FmulS, S(1), S(1), 0, RUP, S(1), UF | NX},
      {Op::FmulD, 1, 0x8000000000000001, 0, RDN, 0x8000000000000001, UF | NX},
      // Exact subnormal product: no flags at all.
      {Op::FmulS, S(0x00000002), S(0x3f000000), 0, RNE, S(0x00000001), 0},
  });
  // (1 + 2^-12)^2 = 1 + 2^-11 + 2^-24: a tie above an even significand.
  check_modes(
      Op::FmulS, S(0x3f800800), S(0x3f800800), 0,
      {{{S(0x3f801000), NX}, {S(0x3f801000), NX}, {S(0x3f801000), NX}, {S(0x3f801001), NX}, {S(0x3f801001), NX}}});
  // min normal * (1 - 2^-24) = 2^-126 - 2^-150: tiny even after rounding to
  // 24 bits with an unbounded exponent, so UF whenever inexact.
  check_modes(Op::FmulS, S(0x00800000), S(0x3f7fffff), 0,
              {{{S(0x00800000), UF | NX},
                {S(0x007fffff), UF | NX},
                {S(0x007fffff), UF | NX},
                {S(0x00800000), UF | NX},
                {S(0x00800000), UF | NX}}});
  // 0x007fffff * (1 + 2^-23) = 2^-126 (1 - 2^-46): rounds to 2^-126 with an
  // unbounded exponent in RNE/RUP/RMM, so it is not tiny there (no UF).
  check_modes(Op::FmulS, S(0x007fffff), S(0x3f800001), 0,
              {{{S(0x00800000), NX},
                {S(0x007fffff), UF | NX},
                {S(0x007fffff), UF | NX},
                {S(0x00800000), NX},
                {S(0x00800000), NX}}});
  check_modes(Op::FmulD, 0x0010000000000000, 0x3fefffffffffffff, 0,
              {{{0x0010000000000000, UF | NX},
                {0x000fffffffffffff, UF | NX},
                {0x000fffffffffffff, UF | NX},
                {0x0010000000000000, UF | NX},
                {0x0010000000000000, UF | NX}}});
}

TEST_CASE("div: DZ, invalid cases and near-ties", "[fp][arith][rounding]") {
  check_all({
      {Op::FdivS, kOneS, kZeroS, 0, RNE, kInfS, DZ},
      {Op::FdivS, kMinusOneS, kZeroS, 0, RNE, kNegInfS, DZ},
      {Op::FdivS, kOneS, kNegZeroS, 0, RNE, kNegInfS, DZ},
      {Op::FdivS, kZeroS, kZeroS, 0, RNE, kCanonS, NV},
      {Op::FdivS, kInfS, kNegInfS, 0, RNE, kCanonS, NV},
      {Op::FdivS, kInfS, kZeroS, 0, RNE, kInfS, 0},  // exact infinity: no DZ
      {Op::FdivS, kZeroS, kInfS, 0, RNE, kZeroS, 0},
      {Op::FdivS, kOneS, kNegInfS, 0, RNE, kNegZeroS, 0},
      {Op::FdivS, kQNaNS, kZeroS, 0, RNE, kCanonS, 0},
      {Op::FdivS, kSNaNS, kOneS, 0, RNE, kCanonS, NV},
      {Op::FdivS, S(0x40c00000), kThreeS, 0, RNE, kTwoS, 0},
      {Op::FdivS, kMaxS, S(0x3f000000), 0, RNE, kInfS, OF | NX},
      {Op::FdivS, S(0x00800000), S(0x4b000000), 0, RNE, S(0x00000001), 0},  // exact subnormal
      {Op::FdivD, kOneD, kZeroD, 0, RNE, kInfD, DZ},
      {Op::FdivD, kZeroD, kNegZeroD, 0, RNE, kCanonD, NV},
      {Op::FdivD, kPayloadNaND, kZeroD, 0, RNE, kCanonD, 0},
      {Op::FdivD, 0x4018000000000000, kThreeD, 0, RNE, kTwoD, 0},
  });
  // Quotients are never exact ties; 1/3 and -2/3 sit above and below half.
  check_modes(
      Op::FdivS, kOneS, kThreeS, 0,
      {{{S(0x3eaaaaab), NX}, {S(0x3eaaaaaa), NX}, {S(0x3eaaaaaa), NX}, {S(0x3eaaaaab), NX}, {S(0x3eaaaaab), NX}}});
  check_modes(
      Op::FdivS, S(0xc0000000), kThreeS, 0,
      {{{S(0xbf2aaaab), NX}, {S(0xbf2aaaaa), NX}, {S(0xbf2aaaab), NX}, {S(0xbf2aaaaa), NX}, {S(0xbf2aaaab), NX}}});
  check_modes(Op::FdivD, kOneD, kThreeD, 0,
              {{{0x3fd5555555555555, NX},
                {0x3fd5555555555555, NX},
                {0x3fd5555555555555, NX},
                {0x3fd5555555555556, NX},
                {0x3fd5555555555555, NX}}});
}

TEST_CASE("sqrt: signs, invalid and rounding", "[fp][arith][rounding]") {
  check_all({
      {Op::FsqrtS, S(0x40800000), 0, 0, RNE, kTwoS, 0},
      {Op::FsqrtS, kNegZeroS, 0, 0, RNE, kNegZeroS, 0},
      {Op::FsqrtS, kZeroS, 0, 0, RNE, kZeroS, 0},
      {Op::FsqrtS, kMinusOneS, 0, 0, RNE, kCanonS, NV},
      {Op::FsqrtS, kNegInfS, 0, 0, RNE, kCanonS, NV},
      {Op::FsqrtS, kInfS, 0, 0, RNE, kInfS, 0},
      {Op::FsqrtS, kSNaNS, 0, 0, RNE, kCanonS, NV},
      {Op::FsqrtS, kPayloadNaNS, 0, 0, RNE, kCanonS, 0},
      {Op::FsqrtS, S(0x80000001), 0, 0, RNE, kCanonS, NV},  // negative subnormal
      {Op::FsqrtD, 0x4010000000000000, 0, 0, RNE, kTwoD, 0},
      {Op::FsqrtD, kNegZeroD, 0, 0, RNE, kNegZeroD, 0},
      {Op::FsqrtD, 0xbff0000000000000, 0, 0, RNE, kCanonD, NV},
      {Op::FsqrtD, 1, 0, 0, RNE, 0x1e60000000000000, 0},  // sqrt(2^-1074) = 2^-537
  });
  check_modes(
      Op::FsqrtS, kTwoS, 0, 0,
      {{{S(0x3fb504f3), NX}, {S(0x3fb504f3), NX}, {S(0x3fb504f3), NX}, {S(0x3fb504f4), NX}, {S(0x3fb504f3), NX}}});
  check_modes(Op::FsqrtD, kTwoD, 0, 0,
              {{{0x3ff6a09e667f3bcd, NX},
                {0x3ff6a09e667f3bcc, NX},
                {0x3ff6a09e667f3bcc, NX},
                {0x3ff6a09e667f3bcd, NX},
                {0x3ff6a09e667f3bcd, NX}}});
}

TEST_CASE("fused multiply-add: single rounding, variants, specials", "[fp][arith][fma]") {
  const std::uint64_t x = S(0x3f800800);  // 1 + 2^-12
  check_all({
      // fmadd/fmsub/fnmsub/fnmadd signs: a*b+c, a*b-c, -(a*b)+c, -(a*b)-c.
      {Op::FmaddS, S(0x3fc00000), kTwoS, S(0x3e800000), RNE, S(0x40500000), 0},   // 3.25
      {Op::FmsubS, S(0x3fc00000), kTwoS, S(0x3e800000), RNE, S(0x40300000), 0},   // 2.75
      {Op::FnmsubS, S(0x3fc00000), kTwoS, S(0x3e800000), RNE, S(0xc0300000), 0},  // -2.75
      {Op::FnmaddS, S(0x3fc00000), kTwoS, S(0x3e800000), RNE, S(0xc0500000), 0},  // -3.25
      // Fused: (1+2^-12)^2 - 1 keeps the 2^-24 term a separate mul+sub loses.
      {Op::FmsubS, x, x, kOneS, RNE, S(0x3a000400), 0},
      {Op::FnmaddS, x, x, kMinusOneS, RNE, S(0xba000400), 0},
      {Op::FmaddS, S(0x3f800001), S(0x3f7fffff), kMinusOneS, RNE, S(0x337ffffe), 0},
      {Op::FmaddD, 0x3ff0000000000001, 0x3fefffffffffffff, 0xbff0000000000000, RNE, 0x3c9ffffffffffffe, 0},
      // max * 2 - max is exactly max: no overflow inside a fused operation.
      {Op::FmsubS, kMaxS, kTwoS, kMaxS, RNE, kMaxS, 0},
      // Exact zero results: sign by the sum rule, -0 only in RDN.
      {Op::FmaddS, kOneS, kOneS, kMinusOneS, RNE, kZeroS, 0},
      {Op::FmaddS, kOneS, kOneS, kMinusOneS, RDN, kNegZeroS, 0},
      {Op::FmaddS, kZeroS, kOneS, kNegZeroS, RNE, kZeroS, 0},
      {Op::FmaddS, kZeroS, kOneS, kNegZeroS, RDN, kNegZeroS, 0},
      {Op::FmaddS, kNegZeroS, kOneS, kNegZeroS, RNE, kNegZeroS, 0},
      {Op::FnmaddS, kZeroS, kOneS, kZeroS, RNE, kNegZeroS, 0},
      {Op::FnmsubS, kZeroS, kOneS, kZeroS, RNE, kZeroS, 0},
      {Op::FmsubD, kZeroD, kOneD, kZeroD, RDN, kNegZeroD, 0},
      {Op::FmaddS, kZeroS, kThreeS, kTwoS, RNE, kTwoS, 0},
      // Invalid: inf * 0 (even with a quiet NaN addend), inf - inf.
      {Op::FmaddS, kInfS, kZeroS, kOneS, RNE, kCanonS, NV},
      {Op::FmaddS, kInfS, kZeroS, kQNaNS, RNE, kCanonS, NV},
      {Op::FmaddD, kZeroD, kNegInfD, kPayloadNaND, RNE, kCanonD, NV},
      {Op::FmaddS, kInfS, kOneS, kNegInfS, RNE, kCanonS, NV},
      {Op::FmsubS, kInfS, kOneS, kInfS, RNE, kCanonS, NV},
      {Op::FmaddS, kInfS, kTwoS, kInfS, RNE, kInfS, 0},
      {Op::FmaddS, kOneS, kOneS, kNegInfS, RNE, kNegInfS, 0},
      {Op::FnmaddS, kInfS, kOneS, kOneS, RNE, kNegInfS, 0},
      {Op::FmaddS, kQNaNS, kOneS, kOneS, RNE, kCanonS, 0},
      {Op::FmaddS, kOneS, kOneS, kSNaNS, RNE, kCanonS, NV},
      {Op::FmaddD, kSNaND, kZeroD, kOneD, RNE, kCanonD, NV},
      // Overflow and underflow of the fused result.
      {Op::FmaddS, kMaxS, kTwoS, kZeroS, RNE, kInfS, OF | NX},
      {Op::FmaddS, kMaxS, kTwoS, kZeroS, RTZ, kMaxS, OF | NX},
      {Op::FmaddS, S(1), S(0x3f000000), kZeroS, RNE, kZeroS, UF | NX},
      {Op::FmaddS, S(1), S(0x3f000000), kZeroS, RMM, S(1), UF | NX},
  });
  // 1*1 + 2^-24: a tie decided by the addend.
  check_modes(Op::FmaddS, kOneS, kOneS, S(0x33800000),
              {{{kOneS, NX}, {kOneS, NX}, {kOneS, NX}, {S(0x3f800001), NX}, {S(0x3f800001), NX}}});
  // (1+2^-12)^2 + 0: the product's own tie, with and without negation.
  check_modes(
      Op::FmaddS, x, x, kZeroS,
      {{{S(0x3f801000), NX}, {S(0x3f801000), NX}, {S(0x3f801000), NX}, {S(0x3f801001), NX}, {S(0x3f801001), NX}}});
  check_modes(
      Op::FnmsubS, x, x, kZeroS,
      {{{S(0xbf801000), NX}, {S(0xbf801000), NX}, {S(0xbf801001), NX}, {S(0xbf801000), NX}, {S(0xbf801001), NX}}});
  // Doubles: 1*1 - 2^-54 is a tie between 1 - 2^-53 (odd) and 1.0 (even).
  check_modes(Op::FmsubD, kOneD, kOneD, 0x3c90000000000000,
              {{{kOneD, NX}, {0x3fefffffffffffff, NX}, {0x3fefffffffffffff, NX}, {kOneD, NX}, {kOneD, NX}}});
}
