// Maps each FP IR opcode to its semantics: operand unboxing, the F/D
// operation (host fast path or software), and how the result is written back.
#include <type_traits>

#include "riscv/fp_fast.hpp"
#include "riscv/fp_soft.hpp"

namespace vm::cross_arch::riscv::fp {
namespace {

using ir::Opcode;

// One entry per operation; each exists in a single and a double flavour.
enum class Kind : std::uint8_t {
  kAdd,
  kSub,
  kMul,
  kDiv,
  kSqrt,
  kMin,
  kMax,
  kMadd,
  kMsub,
  kNmsub,
  kNmadd,
  kSgnj,
  kSgnjn,
  kSgnjx,
  kEq,
  kLt,
  kLe,
  kClass,
  kToW,
  kToWu,
  kToL,
  kToLu,
  kFromW,
  kFromWu,
  kFromL,
  kFromLu,
  kMoveToX,
  kMoveFromX,
  kFromOtherFormat,
};

// The operation table: (single opcode, double opcode, kind). fcvt.s.d and
// fcvt.d.s are each other's "from the other format" flavour.
#define VM_FP_OPERATIONS(X)    \
  X(FaddS, FaddD, kAdd)        \
  X(FsubS, FsubD, kSub)        \
  X(FmulS, FmulD, kMul)        \
  X(FdivS, FdivD, kDiv)        \
  X(FsqrtS, FsqrtD, kSqrt)     \
  X(FminS, FminD, kMin)        \
  X(FmaxS, FmaxD, kMax)        \
  X(FmaddS, FmaddD, kMadd)     \
  X(FmsubS, FmsubD, kMsub)     \
  X(FnmsubS, FnmsubD, kNmsub)  \
  X(FnmaddS, FnmaddD, kNmadd)  \
  X(FsgnjS, FsgnjD, kSgnj)     \
  X(FsgnjnS, FsgnjnD, kSgnjn)  \
  X(FsgnjxS, FsgnjxD, kSgnjx)  \
  X(FeqS, FeqD, kEq)           \
  X(FltS, FltD, kLt)           \
  X(FleS, FleD, kLe)           \
  X(FclassS, FclassD, kClass)  \
  X(FcvtWS, FcvtWD, kToW)      \
  X(FcvtWuS, FcvtWuD, kToWu)   \
  X(FcvtLS, FcvtLD, kToL)      \
  X(FcvtLuS, FcvtLuD, kToLu)   \
  X(FcvtSW, FcvtDW, kFromW)    \
  X(FcvtSWu, FcvtDWu, kFromWu) \
  X(FcvtSL, FcvtDL, kFromL)    \
  X(FcvtSLu, FcvtDLu, kFromLu) \
  X(FmvXW, FmvXD, kMoveToX)    \
  X(FmvWX, FmvDX, kMoveFromX)  \
  X(FcvtSD, FcvtDS, kFromOtherFormat)

// Reading an f register as format F, and writing an F result back.
template <class F>
typename F::Bits read(std::uint64_t reg);
template <>
std::uint32_t read<Single>(std::uint64_t reg) {
  return unbox(reg);
}
template <>
std::uint64_t read<Double>(std::uint64_t reg) {
  return reg;
}
std::uint64_t write(std::uint32_t bits) { return nan_box(bits); }
std::uint64_t write(std::uint64_t bits) { return bits; }

std::uint64_t sign_extend_32(std::uint64_t x) {
  return static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::int32_t>(x)));
}

// The rounding operations: the host fast path when kHost and it accepts the
// operands, else software.
template <class F, bool kHost>
struct Rounding {
  using Bits = typename F::Bits;
  static Bits add(Bits a, Bits b, unsigned rm, std::uint32_t& flags) {
    Bits result{};
    if (kHost && fast::add<F>(a, b, rm, flags, result)) return result;
    return soft::add<F>(a, b, rm, flags);
  }
  static Bits mul(Bits a, Bits b, unsigned rm, std::uint32_t& flags) {
    Bits result{};
    if (kHost && fast::mul<F>(a, b, rm, flags, result)) return result;
    return soft::mul<F>(a, b, rm, flags);
  }
  static Bits div(Bits a, Bits b, unsigned rm, std::uint32_t& flags) {
    Bits result{};
    if (kHost && fast::div<F>(a, b, rm, flags, result)) return result;
    return soft::div<F>(a, b, rm, flags);
  }
  static Bits sqrt(Bits a, unsigned rm, std::uint32_t& flags) {
    Bits result{};
    if (kHost && fast::sqrt<F>(a, rm, flags, result)) return result;
    return soft::sqrt<F>(a, rm, flags);
  }
  static Bits fma(Bits a, Bits b, Bits c, unsigned rm, std::uint32_t& flags) {
    Bits result{};
    if (kHost && fast::fma<F>(a, b, c, rm, flags, result)) return result;
    return soft::fma<F>(a, b, c, rm, flags);
  }
  // fcvt.s.d (F = Single) rounds; fcvt.d.s (F = Double) is exact.
  static Bits from_other_format(std::uint64_t reg, unsigned rm, std::uint32_t& flags) {
    if constexpr (std::is_same_v<F, Double>) {
      return soft::single_to_double(unbox(reg), flags);
    } else {
      return soft::double_to_single(reg, rm, flags);
    }
  }
};

template <class F>
std::uint64_t from_x(bool is_signed, int width, std::uint64_t x, unsigned rm, std::uint32_t& flags) {
  const std::uint64_t value = width == 32 ? (is_signed ? sign_extend_32(x) : x & 0xffffffffu) : x;
  const bool negative = is_signed && static_cast<std::int64_t>(value) < 0;
  return write(soft::from_integer<F>(negative, negative ? 0 - value : value, rm, flags));
}

template <class F>
std::uint64_t to_x(bool is_signed, int width, std::uint64_t reg, unsigned rm, std::uint32_t& flags) {
  const std::uint64_t result = soft::to_integer<F>(read<F>(reg), is_signed, width, rm, flags);
  return width == 32 ? sign_extend_32(result) : result;
}

template <class F, bool kHost>
std::uint64_t run(Kind kind, std::uint64_t ra, std::uint64_t rb, std::uint64_t rc, unsigned rm, std::uint32_t& flags) {
  using R = Rounding<F, kHost>;
  constexpr typename F::Bits kSign = F::kSignMask;
  const auto a = read<F>(ra);
  const auto b = read<F>(rb);
  switch (kind) {
    case Kind::kAdd:
      return write(R::add(a, b, rm, flags));
    case Kind::kSub:
      return write(R::add(a, b ^ kSign, rm, flags));
    case Kind::kMul:
      return write(R::mul(a, b, rm, flags));
    case Kind::kDiv:
      return write(R::div(a, b, rm, flags));
    case Kind::kSqrt:
      return write(R::sqrt(a, rm, flags));
    case Kind::kMin:
      return write(soft::min<F>(a, b, flags));
    case Kind::kMax:
      return write(soft::max<F>(a, b, flags));
    // Negating an operand's sign bit is exact, so the variants reduce to a*b+c.
    case Kind::kMadd:
      return write(R::fma(a, b, read<F>(rc), rm, flags));
    case Kind::kMsub:
      return write(R::fma(a, b, read<F>(rc) ^ kSign, rm, flags));
    case Kind::kNmsub:
      return write(R::fma(a ^ kSign, b, read<F>(rc), rm, flags));
    case Kind::kNmadd:
      return write(R::fma(a ^ kSign, b, read<F>(rc) ^ kSign, rm, flags));
    case Kind::kSgnj:
      return write((a & ~kSign) | (b & kSign));
    case Kind::kSgnjn:
      return write((a & ~kSign) | (~b & kSign));
    case Kind::kSgnjx:
      return write(a ^ (b & kSign));
    case Kind::kEq:
      return soft::equal<F>(a, b, flags) ? 1 : 0;
    case Kind::kLt:
      return soft::less<F>(a, b, flags) ? 1 : 0;
    case Kind::kLe:
      return soft::less_equal<F>(a, b, flags) ? 1 : 0;
    case Kind::kClass:
      return soft::classify<F>(a);
    case Kind::kToW:
      return to_x<F>(true, 32, ra, rm, flags);
    case Kind::kToWu:
      return to_x<F>(false, 32, ra, rm, flags);
    case Kind::kToL:
      return to_x<F>(true, 64, ra, rm, flags);
    case Kind::kToLu:
      return to_x<F>(false, 64, ra, rm, flags);
    case Kind::kFromW:
      return from_x<F>(true, 32, ra, rm, flags);
    case Kind::kFromWu:
      return from_x<F>(false, 32, ra, rm, flags);
    case Kind::kFromL:
      return from_x<F>(true, 64, ra, rm, flags);
    case Kind::kFromLu:
      return from_x<F>(false, 64, ra, rm, flags);
    // fmv.x.w moves the raw low bits (no unboxing); fmv.w.x NaN-boxes.
    case Kind::kMoveToX:
      return F::kWidth == 32 ? sign_extend_32(ra) : ra;
    case Kind::kMoveFromX:
      return write(static_cast<typename F::Bits>(ra));
    case Kind::kFromOtherFormat:
      return write(R::from_other_format(ra, rm, flags));
  }
  return 0;
}

template <bool kHost>
std::uint64_t dispatch(Opcode op, std::uint64_t a, std::uint64_t b, std::uint64_t c, unsigned rm,
                       std::uint32_t& flags) {
  switch (op) {
#define VM_FP_CASE(single_op, double_op, kind)                 \
  case Opcode::single_op:                                      \
    return run<Single, kHost>(Kind::kind, a, b, c, rm, flags); \
  case Opcode::double_op:                                      \
    return run<Double, kHost>(Kind::kind, a, b, c, rm, flags);
    VM_FP_OPERATIONS(VM_FP_CASE)
#undef VM_FP_CASE
    default:
      return 0;
  }
}

}  // namespace

std::uint64_t execute(Opcode op, std::uint64_t a, std::uint64_t b, std::uint64_t c, unsigned rm,
                      std::uint32_t& flags) noexcept {
  return dispatch<true>(op, a, b, c, rm, flags);
}

std::uint64_t execute_soft(Opcode op, std::uint64_t a, std::uint64_t b, std::uint64_t c, unsigned rm,
                           std::uint32_t& flags) noexcept {
  return dispatch<false>(op, a, b, c, rm, flags);
}

bool handles(Opcode op) noexcept {
  switch (op) {
#define VM_FP_CASE(single_op, double_op, kind) \
  case Opcode::single_op:                      \
  case Opcode::double_op:
    VM_FP_OPERATIONS(VM_FP_CASE)
#undef VM_FP_CASE
    return true;
    default:
      return false;
  }
}

}  // namespace vm::cross_arch::riscv::fp
