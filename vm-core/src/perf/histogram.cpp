#include "vm/core/perf/histogram.hpp"

#include <cmath>

namespace vm::core::perf {

void LogLinearHistogram::merge(const LogLinearHistogram& other) noexcept {
  for (unsigned b = 0; b < histogram::kBuckets; ++b) counts_[b] += other.counts_[b];
  total_ += other.total_;
}

std::uint64_t LogLinearHistogram::percentile(double p) const noexcept {
  if (total_ == 0) return 0;
  const double clamped = p < 0 ? 0 : (p > 100 ? 100 : p);
  auto rank = static_cast<std::uint64_t>(std::ceil(clamped / 100.0 * static_cast<double>(total_)));
  if (rank == 0) rank = 1;
  std::uint64_t seen = 0;
  for (unsigned b = 0; b < histogram::kBuckets; ++b) {
    seen += counts_[b];
    if (seen >= rank) return histogram::bucket_value(b);
  }
  return histogram::bucket_value(histogram::kBuckets - 1);
}

}  // namespace vm::core::perf
