#include "compare.hpp"

#include <algorithm>

namespace vm::bench {

namespace {

struct ClassInfo {
  const char* name;
  bool failure;
  const char* marker;
};

constexpr ClassInfo kClasses[] = {
#define CLASS(id, name, failure, marker) {name, failure, marker},
#include "classifications.inc"
#undef CLASS
};

const ClassInfo& info(Classification c) { return kClasses[static_cast<int>(c)]; }

double percent_change(double base, double now) { return base != 0 ? (now - base) / base * 100 : 0; }

}  // namespace

const char* to_string(Classification c) { return info(c).name; }
const char* markdown_marker(Classification c) { return info(c).marker; }
bool is_failure(Classification c) { return info(c).failure; }

Classification classify(double change_pct, double p_value, const Thresholds& t) {
  const bool significant = p_value < t.alpha;
  if (significant && change_pct > t.regression_pct) {
    return change_pct > t.high_severity_pct ? Classification::kHighSeverity : Classification::kRegression;
  }
  if (change_pct > t.warning_pct) return Classification::kWarning;
  if (significant && change_pct < -t.improvement_pct) return Classification::kImprovement;
  return Classification::kStable;
}

std::size_t Comparison::count(Classification c) const {
  return static_cast<std::size_t>(
      std::count_if(rows.begin(), rows.end(), [&](const auto& r) { return r.classification == c; }));
}

bool Comparison::has_failure() const {
  return std::any_of(rows.begin(), rows.end(), [](const auto& r) { return is_failure(r.classification); });
}

Comparison compare(const ResultSet& base, const ResultSet& current, const Thresholds& t) {
  Comparison out;
  for (const BenchmarkSamples& now : current.benchmarks) {
    const BenchmarkSamples* before = base.find(now.name);
    if (!before) {
      out.only_in_new.push_back(now.name);
      continue;
    }
    ComparisonRow row;
    row.name = now.name;
    row.base = summarize(before->samples, t.confidence);
    row.current = summarize(now.samples, t.confidence);
    row.mean_change_pct = percent_change(row.base.mean, row.current.mean);
    row.median_change_pct = percent_change(row.base.median, row.current.median);
    row.change_pct = t.change_of_medians ? row.median_change_pct : row.mean_change_pct;
    row.test = mann_whitney_u(before->samples, now.samples);
    row.classification = classify(row.change_pct, row.test.p_value, t);
    out.rows.push_back(std::move(row));
  }
  for (const BenchmarkSamples& b : base.benchmarks) {
    if (!current.find(b.name)) out.only_in_base.push_back(b.name);
  }
  return out;
}

}  // namespace vm::bench
