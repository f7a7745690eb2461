// Pairs a baseline with a new run by benchmark name and classifies each
// change (improvement / stable / warning / regression / high severity) from
// the change of the mean and a Mann-Whitney U test on the repetitions.
#pragma once

#include <string>
#include <vector>

#include "mann_whitney.hpp"
#include "results.hpp"
#include "stats.hpp"

namespace vm::bench {

enum class Classification {
#define CLASS(id, name, failure, marker) id,
#include "classifications.inc"
#undef CLASS
};

const char* to_string(Classification c);
const char* markdown_marker(Classification c);
bool is_failure(Classification c);

// Percentages are of the baseline mean; all comparisons are strict (a change
// of exactly 10.0% is not "> 10%").
struct Thresholds {
  double improvement_pct = 5;     // faster by more than this and significant
  double warning_pct = 5;         // slower by more than this
  double regression_pct = 10;     // slower by more than this and significant
  double high_severity_pct = 20;  // a significant regression slower by more than this
  double alpha = 0.05;            // significance level of the U test
  double confidence = 0.95;       // confidence level of the reported intervals
  // Classify on the change of the medians (default) or of the means. The
  // median is the default because one preempted repetition can move a mean
  // of 10 repetitions by 10% on a busy machine; means and their intervals
  // are reported either way.
  bool change_of_medians = true;
};

// `change_pct` is (new - base) / base * 100: positive means slower.
Classification classify(double change_pct, double p_value, const Thresholds& t);

struct ComparisonRow {
  std::string name;
  Summary base, current;
  double change_pct = 0;         // the one classified: of medians or of means
  double mean_change_pct = 0;    // (new mean - base mean) / base mean * 100
  double median_change_pct = 0;  // the same for the medians
  MannWhitneyResult test;
  Classification classification = Classification::kStable;
};

struct Comparison {
  std::vector<ComparisonRow> rows;        // benchmarks in both sets, in the new set's order
  std::vector<std::string> only_in_base;  // missing from the new run
  std::vector<std::string> only_in_new;   // not in the baseline
  std::size_t count(Classification c) const;
  bool has_failure() const;
};

Comparison compare(const ResultSet& base, const ResultSet& current, const Thresholds& t);

}  // namespace vm::bench
