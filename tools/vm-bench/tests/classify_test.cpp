#include <catch2/catch.hpp>

#include "compare.hpp"

using namespace vm::bench;

TEST_CASE("classification at each threshold edge (defaults)", "[classify]") {
  const Thresholds t;  // improvement 5, warning 5, regression 10, high 20, alpha 0.05
  const double sig = 0.01, not_sig = 0.5;
  CHECK(classify(0, sig, t) == Classification::kStable);
  // Warning: strictly more than 5% slower, significant or not.
  CHECK(classify(5.0, sig, t) == Classification::kStable);
  CHECK(classify(5.001, not_sig, t) == Classification::kWarning);
  CHECK(classify(5.001, sig, t) == Classification::kWarning);
  // Regression: strictly more than 10% slower and significant.
  CHECK(classify(10.0, sig, t) == Classification::kWarning);
  CHECK(classify(10.001, sig, t) == Classification::kRegression);
  CHECK(classify(10.001, not_sig, t) == Classification::kWarning);
  // Significance: p must be below alpha.
  CHECK(classify(15, 0.05, t) == Classification::kWarning);
  CHECK(classify(15, 0.0499, t) == Classification::kRegression);
  // High severity: a significant regression of strictly more than 20%.
  CHECK(classify(20.0, sig, t) == Classification::kRegression);
  CHECK(classify(20.001, sig, t) == Classification::kHighSeverity);
  CHECK(classify(80, not_sig, t) == Classification::kWarning);
  // Improvement: strictly more than 5% faster and significant.
  CHECK(classify(-5.0, sig, t) == Classification::kStable);
  CHECK(classify(-5.001, sig, t) == Classification::kImprovement);
  CHECK(classify(-30, not_sig, t) == Classification::kStable);
}

TEST_CASE("thresholds and alpha are configurable", "[classify]") {
  Thresholds t;
  t.regression_pct = 3;
  t.warning_pct = 2;
  t.high_severity_pct = 6;
  t.improvement_pct = 1;
  t.alpha = 0.01;
  CHECK(classify(2.5, 0.001, t) == Classification::kWarning);
  CHECK(classify(3.5, 0.001, t) == Classification::kRegression);
  CHECK(classify(3.5, 0.02, t) == Classification::kWarning);
  CHECK(classify(6.5, 0.001, t) == Classification::kHighSeverity);
  CHECK(classify(-1.5, 0.001, t) == Classification::kImprovement);
}

TEST_CASE("only regressions and high severity are failures", "[classify]") {
  CHECK_FALSE(is_failure(Classification::kImprovement));
  CHECK_FALSE(is_failure(Classification::kStable));
  CHECK_FALSE(is_failure(Classification::kWarning));
  CHECK(is_failure(Classification::kRegression));
  CHECK(is_failure(Classification::kHighSeverity));
  CHECK(std::string(to_string(Classification::kHighSeverity)) == "high severity");
}

TEST_CASE("compare pairs by name and lists the names it could not pair", "[compare]") {
  ResultSet base, now;
  base.add({.name = "core/a", .samples = {100, 101, 99, 102, 98, 103, 97, 104, 96}});
  base.add({.name = "core/only_base", .samples = {1}});
  now.add({.name = "core/a", .samples = {130, 131, 129, 132, 128, 133, 127, 134, 126}});
  now.add({.name = "core/only_new", .samples = {1}});
  const Comparison c = compare(base, now, Thresholds{});
  REQUIRE(c.rows.size() == 1);
  CHECK(c.rows[0].change_pct == Approx(30));
  CHECK(c.rows[0].mean_change_pct == Approx(30));
  CHECK(c.rows[0].median_change_pct == Approx(30));
  CHECK(c.rows[0].test.exact);
  // Complete separation of 9 vs 9: p = 2 / C(18, 9) = 4.1e-5.
  CHECK(c.rows[0].test.p_value == Approx(2.0 / 48620));
  CHECK(c.rows[0].classification == Classification::kHighSeverity);
  CHECK(c.has_failure());
  CHECK(c.only_in_base == std::vector<std::string>{"core/only_base"});
  CHECK(c.only_in_new == std::vector<std::string>{"core/only_new"});
}

TEST_CASE("one wild repetition moves the mean but not the classified median change", "[compare]") {
  ResultSet base, now;
  base.add({.name = "core/a", .samples = {100, 101, 99, 102, 98, 103, 97, 104, 96, 1000}});
  now.add({.name = "core/a", .samples = {100.5, 101.5, 99.5, 102.5, 98.5, 103.5, 97.5, 104.5, 96.5, 105}});
  Thresholds t;
  const Comparison by_median = compare(base, now, t);
  CHECK(by_median.rows[0].median_change_pct == Approx(0.5 / 100.5 * 100));         // medians 100.5 -> 101
  CHECK(by_median.rows[0].mean_change_pct == Approx((100.95 - 190) / 190 * 100));  // means 190 -> 100.95
  CHECK(by_median.rows[0].classification == Classification::kStable);
  t.change_of_medians = false;
  const Comparison by_mean = compare(base, now, t);
  CHECK(by_mean.rows[0].change_pct == by_mean.rows[0].mean_change_pct);
}
