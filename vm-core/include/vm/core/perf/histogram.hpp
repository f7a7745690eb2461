// Log-linear histogram of non-negative integers (durations in clock ticks):
// exact below 16, then 16 linear sub-buckets per power of two, so any value
// is reported within a relative error of 1/32 (3.125%) using 976 buckets.
#pragma once

#include <array>
#include <bit>
#include <cstdint>

#include "vm/core/export.hpp"

namespace vm::core::perf {

namespace histogram {
inline constexpr unsigned kSubBits = 4;
inline constexpr unsigned kSubBuckets = 1u << kSubBits;              // 16
inline constexpr unsigned kBuckets = kSubBuckets * (65 - kSubBits);  // 976
// Relative error bound of value_of(bucket_of(v)) against v, for any v.
inline constexpr double kRelativeError = 1.0 / (2 * kSubBuckets);

constexpr unsigned bucket_of(std::uint64_t v) noexcept {
  if (v < kSubBuckets) return static_cast<unsigned>(v);
  const unsigned exp = 63u - static_cast<unsigned>(std::countl_zero(v));  // >= kSubBits
  const unsigned shift = exp - kSubBits;
  const unsigned sub = static_cast<unsigned>(v >> shift) & (kSubBuckets - 1);
  return kSubBuckets + shift * kSubBuckets + sub;
}
constexpr std::uint64_t bucket_lower(unsigned b) noexcept {
  if (b < kSubBuckets) return b;
  const unsigned shift = (b - kSubBuckets) / kSubBuckets;
  const std::uint64_t sub = (b - kSubBuckets) % kSubBuckets;
  return (kSubBuckets + sub) << shift;
}
constexpr std::uint64_t bucket_width(unsigned b) noexcept {
  return b < kSubBuckets ? 1 : std::uint64_t{1} << ((b - kSubBuckets) / kSubBuckets);
}
// The bucket's midpoint: at most width/2 from any value in it, while every
// value in a bucket of width w > 1 is at least 16 * w; hence kRelativeError.
constexpr std::uint64_t bucket_value(unsigned b) noexcept { return bucket_lower(b) + bucket_width(b) / 2; }
}  // namespace histogram

// A plain (single-threaded) histogram: the merged view a reader builds from
// the per-thread counters, also usable on its own.
class VM_CORE_API LogLinearHistogram {
 public:
  void record(std::uint64_t v, std::uint64_t n = 1) noexcept {
    counts_[histogram::bucket_of(v)] += n;
    total_ += n;
  }
  void add_bucket(unsigned bucket, std::uint64_t n) noexcept {
    counts_[bucket] += n;
    total_ += n;
  }
  void merge(const LogLinearHistogram& other) noexcept;
  std::uint64_t count() const noexcept { return total_; }
  std::uint64_t bucket_count(unsigned bucket) const noexcept { return counts_[bucket]; }

  // Nearest-rank percentile (p in [0, 100]): the bucket value of the
  // ceil(p/100 * n)-th smallest recorded value, so within kRelativeError of
  // the exact nearest-rank percentile of the recorded data. 0 when empty.
  std::uint64_t percentile(double p) const noexcept;

 private:
  std::array<std::uint64_t, histogram::kBuckets> counts_{};
  std::uint64_t total_ = 0;
};

}  // namespace vm::core::perf
