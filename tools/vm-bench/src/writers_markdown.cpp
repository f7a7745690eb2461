#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "category.hpp"
#include "writers.hpp"

namespace vm::bench {

std::string format_duration(double ns) {
  const double a = std::fabs(ns);
  if (a >= 1e9) return fmt::format("{:.3g} s", ns / 1e9);
  if (a >= 1e6) return fmt::format("{:.3g} ms", ns / 1e6);
  if (a >= 1e3) return fmt::format("{:.3g} us", ns / 1e3);
  return fmt::format("{:.3g} ns", ns);
}

namespace {

std::string mean_with_ci(const Summary& s) {
  return fmt::format("{} ± {}", format_duration(s.mean), format_duration(s.ci_half_width()));
}

void append_name_list(std::string& out, const char* title, const std::vector<std::string>& names) {
  if (names.empty()) return;
  out += fmt::format("\n**{}** ({}):\n\n", title, names.size());
  for (const auto& n : names) out += fmt::format("- `{}`\n", n);
}

void append_comparison_table(std::string& out, const std::vector<const ComparisonRow*>& rows) {
  out +=
      "| Benchmark | Base mean (95% CI) | New mean (95% CI) | Change of medians | Change of means | p (U test) | "
      "Result |\n";
  out += "|---|---:|---:|---:|---:|---:|---|\n";
  for (const ComparisonRow* r : rows) {
    const char* marker = markdown_marker(r->classification);
    out += fmt::format("| `{}` | {} | {} | {:+.1f}% | {:+.1f}% | {:.3g}{} | {}{}{} |\n", r->name, mean_with_ci(r->base),
                       mean_with_ci(r->current), r->median_change_pct, r->mean_change_pct, r->test.p_value,
                       r->test.exact ? "" : " (approx.)", marker, *marker ? " " : "", to_string(r->classification));
  }
}

}  // namespace

std::string comparison_markdown(const Comparison& c, const Thresholds& t) {
  std::string out = "## Benchmark comparison\n\n";
  out += fmt::format(
      "{} benchmarks compared: {} regression, {} high severity, {} warning, {} improvement, {} stable "
      "(α = {}, regression > {}%, high severity > {}%, classified on the change of the {}).\n\n",
      c.rows.size(), c.count(Classification::kRegression), c.count(Classification::kHighSeverity),
      c.count(Classification::kWarning), c.count(Classification::kImprovement), c.count(Classification::kStable),
      t.alpha, t.regression_pct, t.high_severity_pct, t.change_of_medians ? "medians" : "means");
  std::vector<const ComparisonRow*> rows;
  for (const auto& r : c.rows) rows.push_back(&r);
  append_comparison_table(out, rows);
  append_name_list(out, "Only in the baseline (not compared)", c.only_in_base);
  append_name_list(out, "Only in the new run (not compared)", c.only_in_new);
  return out;
}

std::string report_markdown(const ResultSet& set, const ResultSet* base, const Thresholds& t) {
  std::string out = "# Benchmark report\n\n";
  out += fmt::format("Commit `{}`, {}; {} benchmarks.\n", set.commit.empty() ? "unknown" : set.commit,
                     set.date.empty() ? "date unknown" : set.date, set.benchmarks.size());
  std::map<std::string, std::vector<const BenchmarkSamples*>> by_category;
  for (const auto& b : set.benchmarks) by_category[category_of(b.name)].push_back(&b);
  for (const std::string& category : categories()) {
    auto it = by_category.find(category);
    if (it == by_category.end()) continue;
    auto& list = it->second;
    std::vector<std::pair<double, const BenchmarkSamples*>> means;
    for (const auto* b : list) means.emplace_back(summarize(b->samples, t.confidence).mean, b);
    std::sort(means.begin(), means.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    out += fmt::format("\n## {}\n\nFastest: `{}` ({}); slowest: `{}` ({}).\n\n", category, means.front().second->name,
                       format_duration(means.front().first), means.back().second->name,
                       format_duration(means.back().first));
    out += "| Benchmark | Mean (95% CI) | Repetitions |\n|---|---:|---:|\n";
    for (const auto* b : list) {
      const Summary s = summarize(b->samples, t.confidence);
      out += fmt::format("| `{}` | {} | {} |\n", b->name, mean_with_ci(s), s.n);
    }
  }
  if (base) {
    const Comparison c = compare(*base, set, t);
    out += "\n" + comparison_markdown(c, t);
  }
  return out;
}

}  // namespace vm::bench
