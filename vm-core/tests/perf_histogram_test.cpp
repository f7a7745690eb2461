#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "vm/core/perf/histogram.hpp"

using namespace vm::core::perf;

namespace {

// Nearest-rank percentile of sorted data: the ceil(p/100*n)-th smallest.
std::uint64_t exact_percentile(const std::vector<std::uint64_t>& sorted, double p) {
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  if (rank == 0) rank = 1;
  return sorted[rank - 1];
}

void check_percentiles(std::vector<std::uint64_t> values) {
  LogLinearHistogram h;
  for (auto v : values) h.record(v);
  std::sort(values.begin(), values.end());
  for (double p : {1.0, 10.0, 25.0, 50.0, 75.0, 90.0, 99.0, 99.9, 100.0}) {
    const double exact = static_cast<double>(exact_percentile(values, p));
    const double got = static_cast<double>(h.percentile(p));
    INFO("p" << p << " exact " << exact << " histogram " << got);
    CHECK(std::abs(got - exact) <= exact * histogram::kRelativeError);
  }
}

}  // namespace

TEST_CASE("histogram buckets are exact below 16 and log-linear above", "[perf][histogram]") {
  for (std::uint64_t v = 0; v < 32; ++v) CHECK(histogram::bucket_value(histogram::bucket_of(v)) == v);
  CHECK(histogram::bucket_of(~std::uint64_t{0}) == histogram::kBuckets - 1);
  // Every bucket's range starts where the previous one ends.
  for (unsigned b = 1; b < histogram::kBuckets; ++b)
    CHECK(histogram::bucket_lower(b) == histogram::bucket_lower(b - 1) + histogram::bucket_width(b - 1));
  // Each value lands in the bucket that contains it, within the error bound.
  std::mt19937_64 rng(7);
  for (int i = 0; i < 10000; ++i) {
    const std::uint64_t v = rng() >> (rng() % 64);
    const unsigned b = histogram::bucket_of(v);
    REQUIRE(v >= histogram::bucket_lower(b));
    REQUIRE(v - histogram::bucket_lower(b) < histogram::bucket_width(b));
    const double err = std::abs(static_cast<double>(histogram::bucket_value(b)) - static_cast<double>(v));
    REQUIRE(err <= static_cast<double>(v) * histogram::kRelativeError);
  }
}

TEST_CASE("histogram percentiles match sorted data within the documented error", "[perf][histogram]") {
  SECTION("uniform 1..1000") {
    std::vector<std::uint64_t> v;
    for (std::uint64_t i = 1; i <= 1000; ++i) v.push_back(i);
    check_percentiles(v);
  }
  SECTION("log-normal latencies") {
    std::mt19937_64 rng(42);
    std::lognormal_distribution<double> dist(8.0, 1.5);
    std::vector<std::uint64_t> v;
    for (int i = 0; i < 20000; ++i) v.push_back(static_cast<std::uint64_t>(dist(rng)));
    check_percentiles(v);
  }
  SECTION("bimodal with a heavy tail") {
    std::vector<std::uint64_t> v(900, 120);
    for (int i = 0; i < 90; ++i) v.push_back(5000 + i);
    for (int i = 0; i < 10; ++i) v.push_back(1'000'000'000ull * (i + 1));
    check_percentiles(v);
  }
  SECTION("a single value") { check_percentiles({12345}); }
}

TEST_CASE("histogram merge adds counts and an empty one reports 0", "[perf][histogram]") {
  LogLinearHistogram a, b;
  CHECK(a.percentile(50) == 0);
  for (int i = 0; i < 10; ++i) a.record(100);
  for (int i = 0; i < 30; ++i) b.record(10);
  a.merge(b);
  CHECK(a.count() == 40);
  CHECK(a.percentile(50) == 10);
  CHECK(a.percentile(80) == histogram::bucket_value(histogram::bucket_of(100)));
}
