// Hand-computed cases for the non-rounding F/D ops: fmin/fmax
// (minimumNumber/maximumNumber), feq/flt/fle, fclass, sign injection, moves,
// NaN-boxing, and the set of opcodes fp::execute handles.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "vm/cross_arch/ir/op.hpp"
#include "vm/cross_arch/riscv/fp.hpp"

namespace fp = vm::cross_arch::riscv::fp;
namespace ir = vm::cross_arch::ir;
using Op = ir::Opcode;

namespace {

constexpr std::uint32_t NV = fp::kFlagNV;

constexpr std::uint64_t S(std::uint32_t bits) { return fp::nan_box(bits); }

constexpr std::uint64_t kOneS = S(0x3f800000), kTwoS = S(0x40000000), kMinusOneS = S(0xbf800000);
constexpr std::uint64_t kZeroS = S(0), kNegZeroS = S(0x80000000);
constexpr std::uint64_t kQNaNS = S(0x7fc00000), kSNaNS = S(0x7f800001), kCanonS = S(0x7fc00000);
constexpr std::uint64_t kOneD = 0x3ff0000000000000, kMinusOneD = 0xbff0000000000000;
constexpr std::uint64_t kZeroD = 0, kNegZeroD = 0x8000000000000000;
constexpr std::uint64_t kQNaND = 0x7ff8000000000000, kSNaND = 0x7ff0000000000001;
constexpr std::uint64_t kCanonD = 0x7ff8000000000000;

struct Case {
  Op op;
  std::uint64_t a, b;
  std::uint64_t expected;
  std::uint32_t flags;
};

void check_all(const std::vector<Case>& cases) {
  for (const Case& t : cases) {
    for (unsigned rm = 0; rm < 5; ++rm) {  // none of these ops depends on rm
      std::uint32_t flags = 0;
      std::uint32_t soft_flags = 0;
      const std::uint64_t got = fp::execute(t.op, t.a, t.b, 0, rm, flags);
      const std::uint64_t soft = fp::execute_soft(t.op, t.a, t.b, 0, rm, soft_flags);
      INFO(ir::name_of(t.op) << " rm=" << rm << std::hex << " a=0x" << t.a << " b=0x" << t.b << " got=0x" << got
                             << " flags=0x" << flags);
      CHECK(got == t.expected);
      CHECK(flags == t.flags);
      CHECK(soft == got);
      CHECK(soft_flags == flags);
    }
  }
}

}  // namespace

TEST_CASE("fmin/fmax are minimumNumber/maximumNumber", "[fp][minmax]") {
  check_all({
      {Op::FminS, kOneS, kTwoS, kOneS, 0},
      {Op::FmaxS, kOneS, kTwoS, kTwoS, 0},
      {Op::FminS, kMinusOneS, kOneS, kMinusOneS, 0},
      {Op::FminS, kZeroS, kNegZeroS, kNegZeroS, 0},  // -0 < +0
      {Op::FminS, kNegZeroS, kZeroS, kNegZeroS, 0},
      {Op::FmaxS, kNegZeroS, kZeroS, kZeroS, 0},
      {Op::FmaxS, kZeroS, kNegZeroS, kZeroS, 0},
      {Op::FminS, kQNaNS, kOneS, kOneS, 0},  // one NaN: the other operand
      {Op::FmaxS, kTwoS, kQNaNS, kTwoS, 0},
      {Op::FminS, kSNaNS, kOneS, kOneS, NV},  // sNaN: the other, and NV
      {Op::FmaxS, kMinusOneS, kSNaNS, kMinusOneS, NV},
      {Op::FminS, kQNaNS, kQNaNS, kCanonS, 0},  // both NaN: canonical
      {Op::FminS, S(0x7fc12345), S(0xffc00001), kCanonS, 0},
      {Op::FmaxS, kSNaNS, kQNaNS, kCanonS, NV},
      {Op::FminS, 0x3f800000, kTwoS, kTwoS, 0},  // unboxed operand reads as qNaN
      {Op::FmaxS, S(0xff800000), S(0x7f7fffff), S(0x7f7fffff), 0},
      {Op::FminD, kOneD, kMinusOneD, kMinusOneD, 0},
      {Op::FminD, kZeroD, kNegZeroD, kNegZeroD, 0},
      {Op::FmaxD, kNegZeroD, kZeroD, kZeroD, 0},
      {Op::FmaxD, kQNaND, kMinusOneD, kMinusOneD, 0},
      {Op::FminD, kOneD, kSNaND, kOneD, NV},
      {Op::FmaxD, kSNaND, kSNaND, kCanonD, NV},
      {Op::FmaxD, 0x7ff8000000000123, kQNaND, kCanonD, 0},
  });
}

TEST_CASE("feq is quiet, flt and fle signal on any NaN", "[fp][compare]") {
  check_all({
      {Op::FeqS, kOneS, kOneS, 1, 0},
      {Op::FeqS, kZeroS, kNegZeroS, 1, 0},
      {Op::FeqS, kOneS, kTwoS, 0, 0},
      {Op::FeqS, kQNaNS, kQNaNS, 0, 0},
      {Op::FeqS, kQNaNS, kOneS, 0, 0},
      {Op::FeqS, kSNaNS, kOneS, 0, NV},
      {Op::FeqS, 0x3f800000, kOneS, 0, 0},  // unboxed reads as qNaN
      {Op::FltS, kOneS, kTwoS, 1, 0},
      {Op::FltS, kTwoS, kOneS, 0, 0},
      {Op::FltS, kMinusOneS, kOneS, 1, 0},
      {Op::FltS, kNegZeroS, kZeroS, 0, 0},  // -0 == +0
      {Op::FltS, S(0xff800000), S(0xff7fffff), 1, 0},
      {Op::FltS, kQNaNS, kOneS, 0, NV},
      {Op::FltS, kOneS, kSNaNS, 0, NV},
      {Op::FleS, kOneS, kOneS, 1, 0},
      {Op::FleS, kZeroS, kNegZeroS, 1, 0},
      {Op::FleS, kTwoS, kOneS, 0, 0},
      {Op::FleS, kQNaNS, kQNaNS, 0, NV},
      {Op::FeqD, kNegZeroD, kZeroD, 1, 0},
      {Op::FeqD, kQNaND, kOneD, 0, 0},
      {Op::FeqD, kOneD, kSNaND, 0, NV},
      {Op::FltD, kMinusOneD, kNegZeroD, 1, 0},
      {Op::FltD, 0x8000000000000001, kNegZeroD, 1, 0},
      {Op::FltD, kQNaND, kOneD, 0, NV},
      {Op::FleD, kNegZeroD, kZeroD, 1, 0},
      {Op::FleD, kOneD, kQNaND, 0, NV},
  });
}

TEST_CASE("fclass sets exactly one of ten bits", "[fp][class]") {
  check_all({
      {Op::FclassS, S(0xff800000), 0, 1u << 0, 0},
      {Op::FclassS, kMinusOneS, 0, 1u << 1, 0},
      {Op::FclassS, S(0x807fffff), 0, 1u << 2, 0},
      {Op::FclassS, kNegZeroS, 0, 1u << 3, 0},
      {Op::FclassS, kZeroS, 0, 1u << 4, 0},
      {Op::FclassS, S(0x00000001), 0, 1u << 5, 0},
      {Op::FclassS, S(0x00800000), 0, 1u << 6, 0},
      {Op::FclassS, S(0x7f800000), 0, 1u << 7, 0},
      {Op::FclassS, kSNaNS, 0, 1u << 8, 0},  // no NV: fclass never signals
      {Op::FclassS, S(0xffbfffff), 0, 1u << 8, 0},
      {Op::FclassS, kQNaNS, 0, 1u << 9, 0},
      {Op::FclassS, 0x000000007f800001, 0, 1u << 9, 0},  // unboxed: canonical qNaN
      {Op::FclassD, 0xfff0000000000000, 0, 1u << 0, 0},
      {Op::FclassD, kMinusOneD, 0, 1u << 1, 0},
      {Op::FclassD, 0x800fffffffffffff, 0, 1u << 2, 0},
      {Op::FclassD, kNegZeroD, 0, 1u << 3, 0},
      {Op::FclassD, kZeroD, 0, 1u << 4, 0},
      {Op::FclassD, 0x0000000000000001, 0, 1u << 5, 0},
      {Op::FclassD, 0x7fefffffffffffff, 0, 1u << 6, 0},
      {Op::FclassD, 0x7ff0000000000000, 0, 1u << 7, 0},
      {Op::FclassD, kSNaND, 0, 1u << 8, 0},
      {Op::FclassD, 0xfff8000000000000, 0, 1u << 9, 0},
  });
}

TEST_CASE("sign injection keeps payloads, raises nothing, NaN-boxes", "[fp][sgnj]") {
  check_all({
      {Op::FsgnjS, kOneS, kMinusOneS, kMinusOneS, 0},
      {Op::FsgnjS, kMinusOneS, kOneS, kOneS, 0},
      {Op::FsgnjnS, kOneS, kOneS, kMinusOneS, 0},  // fneg.s
      {Op::FsgnjnS, kOneS, kMinusOneS, kOneS, 0},
      {Op::FsgnjxS, kMinusOneS, kMinusOneS, kOneS, 0},  // fabs.s
      {Op::FsgnjxS, kOneS, kMinusOneS, kMinusOneS, 0},
      {Op::FsgnjS, kSNaNS, kMinusOneS, S(0xff800001), 0},  // sNaN payload kept, no NV
      {Op::FsgnjnS, S(0x7fc12345), S(0x7fc12345), S(0xffc12345), 0},
      {Op::FsgnjS, 0x3f800000, kOneS, kCanonS, 0},        // unboxed a reads as canonical NaN
      {Op::FsgnjS, kOneS, 0xbf800000, S(0x3f800000), 0},  // unboxed b: canonical NaN's + sign
      {Op::FsgnjxS, kOneS, 0x80000000bf800000, kOneS, 0},
      {Op::FsgnjD, kOneD, kMinusOneD, kMinusOneD, 0},
      {Op::FsgnjnD, kMinusOneD, kMinusOneD, kOneD, 0},
      {Op::FsgnjxD, kMinusOneD, kMinusOneD, kOneD, 0},
      {Op::FsgnjD, kSNaND, kNegZeroD, 0xfff0000000000001, 0},
  });
}

TEST_CASE("fmv moves raw bits: fmv.x.w sign-extends, fmv.w.x NaN-boxes", "[fp][move]") {
  check_all({
      {Op::FmvXW, S(0xbf800000), 0, 0xffffffffbf800000, 0},
      {Op::FmvXW, S(0x3f800000), 0, 0x000000003f800000, 0},
      {Op::FmvXW, 0x123456787f800001, 0, 0x000000007f800001, 0},  // no unboxing, no NV
      {Op::FmvXW, 0x0000000080000000, 0, 0xffffffff80000000, 0},
      {Op::FmvWX, 0x123456787f800001, 0, S(0x7f800001), 0},
      {Op::FmvWX, 0xffffffff, 0, S(0xffffffff), 0},
      {Op::FmvXD, kSNaND, 0, kSNaND, 0},
      {Op::FmvDX, 0x123456789abcdef0, 0, 0x123456789abcdef0, 0},
  });
}

TEST_CASE("nan_box and unbox", "[fp][box]") {
  STATIC_REQUIRE(fp::nan_box(0x3f800000) == 0xffffffff3f800000);
  STATIC_REQUIRE(fp::unbox(0xffffffff3f800000) == 0x3f800000);
  STATIC_REQUIRE(fp::unbox(0x000000003f800000) == 0x7fc00000);
  STATIC_REQUIRE(fp::unbox(0xfffffffe3f800000) == 0x7fc00000);
  STATIC_REQUIRE(fp::unbox(0x7fffffff3f800000) == 0x7fc00000);
}

TEST_CASE("handles() is true exactly for the FP-format ops", "[fp][execute]") {
  std::size_t handled = 0;
  for (std::size_t i = 0; i < ir::kOpcodeCount; ++i) {
    const auto op = static_cast<Op>(i);
    const auto format = ir::format_of(op);
    const bool fp_format = format == ir::Format::FP1 || format == ir::Format::FP2 || format == ir::Format::FP3;
    INFO(ir::name_of(op));
    CHECK(fp::handles(op) == fp_format);
    if (fp::handles(op)) ++handled;
  }
  CHECK(handled == 58);
  // A non-FP op returns 0 and leaves the flags alone.
  std::uint32_t flags = fp::kFlagNX;
  CHECK(fp::execute(Op::Add, 1, 2, 3, 0, flags) == 0);
  CHECK(flags == fp::kFlagNX);
}

TEST_CASE("flags accumulate: execute ORs new flags into the old ones", "[fp][execute]") {
  std::uint32_t flags = fp::kFlagDZ;
  fp::execute(Op::FdivS, kOneS, S(0x40400000), 0, 0, flags);  // 1/3: NX
  CHECK(flags == (fp::kFlagDZ | fp::kFlagNX));
  fp::execute(Op::FaddS, kOneS, kOneS, 0, 0, flags);  // exact: nothing new
  CHECK(flags == (fp::kFlagDZ | fp::kFlagNX));
}
