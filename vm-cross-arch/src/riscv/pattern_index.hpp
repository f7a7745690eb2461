// Compile-time bucket index over a mask/match pattern table, so decoding
// tests only the few rows that can match a word's key bits (the major opcode
// and funct3) instead of scanning the whole table.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace vm::cross_arch::riscv {

struct Pattern {
  std::uint32_t match;
  std::uint32_t mask;
};

// Rows are grouped per bucket in table order (first match wins stays true).
// key_of(word) maps a word to its bucket; bucket_word(b) is a word with
// bucket b's key bits set, used to test which rows can live in a bucket.
template <std::size_t kBuckets, std::size_t kRows>
struct PatternIndex {
  std::array<std::uint16_t, kBuckets + 1> begin{};
  // Every row fixes the bits that select a bucket except at most funct3, so
  // it sits in at most 8 buckets.
  std::array<std::uint16_t, kRows * 8> rows{};
};

template <std::size_t kBuckets, std::size_t kRows, typename BucketWord>
constexpr PatternIndex<kBuckets, kRows> build_pattern_index(const std::array<Pattern, kRows>& table,
                                                            std::uint32_t key_mask, BucketWord bucket_word) {
  PatternIndex<kBuckets, kRows> index{};
  std::size_t n = 0;
  for (std::size_t b = 0; b < kBuckets; ++b) {
    index.begin[b] = static_cast<std::uint16_t>(n);
    const std::uint32_t word = bucket_word(b);
    for (std::size_t r = 0; r < kRows; ++r) {
      if (((word ^ table[r].match) & table[r].mask & key_mask) == 0) index.rows[n++] = static_cast<std::uint16_t>(r);
    }
  }
  index.begin[kBuckets] = static_cast<std::uint16_t>(n);
  return index;
}

}  // namespace vm::cross_arch::riscv
