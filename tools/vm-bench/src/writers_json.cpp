#include <fmt/format.h>

#include "writers.hpp"

namespace vm::bench {

using nlohmann::json;

namespace {

json summary_json(const Summary& s) {
  return {{"n", s.n},           {"mean", s.mean},     {"median", s.median},
          {"stddev", s.stddev}, {"ci_low", s.ci_low}, {"ci_high", s.ci_high}};
}

}  // namespace

json comparison_to_json(const Comparison& c, const Thresholds& t) {
  json rows = json::array();
  for (const ComparisonRow& r : c.rows) {
    rows.push_back({{"name", r.name},
                    {"unit", "ns"},
                    {"base", summary_json(r.base)},
                    {"new", summary_json(r.current)},
                    {"change_pct", r.change_pct},
                    {"mean_change_pct", r.mean_change_pct},
                    {"median_change_pct", r.median_change_pct},
                    {"u", r.test.u},
                    {"p_value", r.test.p_value},
                    {"exact_test", r.test.exact},
                    {"classification", to_string(r.classification)}});
  }
  return {{"thresholds",
           {{"improvement_pct", t.improvement_pct},
            {"warning_pct", t.warning_pct},
            {"regression_pct", t.regression_pct},
            {"high_severity_pct", t.high_severity_pct},
            {"alpha", t.alpha},
            {"confidence", t.confidence},
            {"change_of", t.change_of_medians ? "median" : "mean"}}},
          {"benchmarks", rows},
          {"only_in_base", c.only_in_base},
          {"only_in_new", c.only_in_new},
          {"regression", c.has_failure()}};
}

json to_custom_smaller_is_better(const ResultSet& set, double confidence) {
  json out = json::array();
  for (const BenchmarkSamples& b : set.benchmarks) {
    const Summary s = summarize(b.samples, confidence);
    out.push_back({{"name", b.name},
                   {"unit", "ns"},
                   {"value", s.mean},
                   {"range", fmt::format("± {:.6g}", s.ci_half_width())},
                   {"extra", fmt::format("{} repetitions; {:.0f}% CI", s.n, confidence * 100)}});
  }
  return out;
}

}  // namespace vm::bench
