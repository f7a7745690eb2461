// Test double for InstructionFetcher: guest code held in a byte vector at a
// base address, with optional unreadable ranges to provoke fetch faults.
// Header-only so every library's tests (and benches) can reuse it.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "vm/cross_arch/frontend.hpp"

namespace vm::cross_arch::testing {

class VectorFetcher final : public InstructionFetcher {
 public:
  VectorFetcher(std::uint64_t base, std::vector<std::uint8_t> bytes) : base_(base), bytes_(std::move(bytes)) {}

  // Convenience: code given as 32-bit words (little-endian).
  static VectorFetcher from_words(std::uint64_t base, const std::vector<std::uint32_t>& words) {
    std::vector<std::uint8_t> bytes;
    for (std::uint32_t w : words) {
      for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<std::uint8_t>(w >> (8 * i)));
    }
    return VectorFetcher(base, std::move(bytes));
  }

  // Appends a 16-bit parcel (for compressed code).
  void append16(std::uint16_t parcel) {
    bytes_.push_back(static_cast<std::uint8_t>(parcel));
    bytes_.push_back(static_cast<std::uint8_t>(parcel >> 8));
  }
  void append32(std::uint32_t word) {
    append16(static_cast<std::uint16_t>(word));
    append16(static_cast<std::uint16_t>(word >> 16));
  }

  // Makes [begin, end) unfetchable, as an unmapped or non-executable page is.
  void deny(std::uint64_t begin, std::uint64_t end) { denied_.emplace_back(begin, end); }

  bool fetch16(std::uint64_t addr, std::uint16_t& out) noexcept override {
    ++fetches_;
    for (const auto& [begin, end] : denied_) {
      if (addr + 2 > begin && addr < end) return false;
    }
    if (addr < base_ || addr - base_ + 2 > bytes_.size()) return false;
    const std::size_t i = addr - base_;
    out = static_cast<std::uint16_t>(bytes_[i] | (bytes_[i + 1] << 8));
    return true;
  }

  std::uint64_t base() const { return base_; }
  std::uint64_t end() const { return base_ + bytes_.size(); }
  std::size_t fetch_count() const { return fetches_; }

 private:
  std::uint64_t base_;
  std::vector<std::uint8_t> bytes_;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> denied_;
  std::size_t fetches_ = 0;
};

}  // namespace vm::cross_arch::testing
