// RV64IM integer semantics shared by the interpreter handlers (and testable
// on their own): the division corner cases, mulh variants and W-op
// sign-extension are exactly as the RISC-V unprivileged spec defines them.
#pragma once

#include <cstdint>
#include <limits>

namespace vm::engine::interp {

inline std::uint64_t sext32(std::uint64_t v) {
  return static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<std::int32_t>(v)));
}

inline std::uint64_t mulh(std::uint64_t a, std::uint64_t b) {
  const __int128 p = static_cast<__int128>(static_cast<std::int64_t>(a)) * static_cast<std::int64_t>(b);
  return static_cast<std::uint64_t>(p >> 64);
}
inline std::uint64_t mulhu(std::uint64_t a, std::uint64_t b) {
  const unsigned __int128 p = static_cast<unsigned __int128>(a) * b;
  return static_cast<std::uint64_t>(p >> 64);
}
inline std::uint64_t mulhsu(std::uint64_t a, std::uint64_t b) {
  // signed(a) * unsigned(b): compute unsigned and correct for a's sign.
  std::uint64_t hi = mulhu(a, b);
  if (static_cast<std::int64_t>(a) < 0) hi -= b;
  return hi;
}

// Division by zero gives all ones (quotient) / the dividend (remainder);
// signed overflow gives the dividend (quotient) / zero (remainder).
inline std::uint64_t div64(std::uint64_t a, std::uint64_t b) {
  const auto sa = static_cast<std::int64_t>(a), sb = static_cast<std::int64_t>(b);
  if (sb == 0) return ~std::uint64_t{0};
  if (sa == std::numeric_limits<std::int64_t>::min() && sb == -1) return a;
  return static_cast<std::uint64_t>(sa / sb);
}
inline std::uint64_t divu64(std::uint64_t a, std::uint64_t b) { return b == 0 ? ~std::uint64_t{0} : a / b; }
inline std::uint64_t rem64(std::uint64_t a, std::uint64_t b) {
  const auto sa = static_cast<std::int64_t>(a), sb = static_cast<std::int64_t>(b);
  if (sb == 0) return a;
  if (sa == std::numeric_limits<std::int64_t>::min() && sb == -1) return 0;
  return static_cast<std::uint64_t>(sa % sb);
}
inline std::uint64_t remu64(std::uint64_t a, std::uint64_t b) { return b == 0 ? a : a % b; }

inline std::uint64_t div32(std::uint64_t a, std::uint64_t b) {
  const auto sa = static_cast<std::int32_t>(a), sb = static_cast<std::int32_t>(b);
  if (sb == 0) return ~std::uint64_t{0};
  if (sa == std::numeric_limits<std::int32_t>::min() && sb == -1) return sext32(static_cast<std::uint32_t>(sa));
  return sext32(static_cast<std::uint32_t>(sa / sb));
}
inline std::uint64_t divu32(std::uint64_t a, std::uint64_t b) {
  const auto ua = static_cast<std::uint32_t>(a), ub = static_cast<std::uint32_t>(b);
  return ub == 0 ? ~std::uint64_t{0} : sext32(ua / ub);
}
inline std::uint64_t rem32(std::uint64_t a, std::uint64_t b) {
  const auto sa = static_cast<std::int32_t>(a), sb = static_cast<std::int32_t>(b);
  if (sb == 0) return sext32(static_cast<std::uint32_t>(sa));
  if (sa == std::numeric_limits<std::int32_t>::min() && sb == -1) return 0;
  return sext32(static_cast<std::uint32_t>(sa % sb));
}
inline std::uint64_t remu32(std::uint64_t a, std::uint64_t b) {
  const auto ua = static_cast<std::uint32_t>(a), ub = static_cast<std::uint32_t>(b);
  return sext32(ub == 0 ? ua : ua % ub);
}

}  // namespace vm::engine::interp
