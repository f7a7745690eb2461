// Output formats of vm-bench: comparison JSON, github-action-benchmark's
// customSmallerIsBetter JSON, and Markdown (comparison table and report).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "compare.hpp"
#include "results.hpp"

namespace vm::bench {

// "12.3 ns", "4.56 us", "7.89 ms", "1.23 s".
std::string format_duration(double ns);

nlohmann::json comparison_to_json(const Comparison& c, const Thresholds& t);
// [{"name", "unit", "value", "range", "extra"}] of the new run's means.
nlohmann::json to_custom_smaller_is_better(const ResultSet& set, double confidence = 0.95);

std::string comparison_markdown(const Comparison& c, const Thresholds& t);
// Report grouped by category; `base` (may be null) adds a comparison.
std::string report_markdown(const ResultSet& set, const ResultSet* base, const Thresholds& t);

}  // namespace vm::bench
