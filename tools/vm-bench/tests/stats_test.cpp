#include <catch2/catch.hpp>

#include <vector>

#include "stats.hpp"

using namespace vm::bench;

TEST_CASE("t quantiles match the published two-sided 95% table", "[stats]") {
  // Student t table, 0.975 quantile.
  CHECK(student_t_quantile(0.975, 1) == Approx(12.7062).epsilon(1e-4));
  CHECK(student_t_quantile(0.975, 2) == Approx(4.3027).epsilon(1e-4));
  CHECK(student_t_quantile(0.975, 5) == Approx(2.5706).epsilon(1e-4));
  CHECK(student_t_quantile(0.975, 9) == Approx(2.2622).epsilon(1e-4));
  CHECK(student_t_quantile(0.975, 30) == Approx(2.0423).epsilon(1e-4));
  CHECK(student_t_quantile(0.975, 100) == Approx(1.9840).epsilon(1e-4));
  CHECK(student_t_quantile(0.5, 7) == Approx(0).margin(1e-9));
}

TEST_CASE("the normal CDF and incomplete beta give known values", "[stats]") {
  CHECK(normal_cdf(0) == Approx(0.5));
  CHECK(normal_cdf(1.959964) == Approx(0.975).epsilon(1e-6));
  CHECK(incomplete_beta(1, 1, 0.3) == Approx(0.3));     // uniform distribution
  CHECK(incomplete_beta(2, 3, 0.4) == Approx(0.5248));  // 1 - sum_{k<2} C(4,k) .4^k .6^(4-k)
}

TEST_CASE("a 95% confidence interval is mean ± t * s / sqrt(n)", "[stats]") {
  const std::vector<double> v{10, 12, 14};
  const Summary s = summarize(v);
  CHECK(s.n == 3);
  CHECK(s.mean == Approx(12));
  CHECK(s.stddev == Approx(2));
  CHECK(s.median == Approx(12));
  // t(0.975, 2) = 4.302653; half width = 4.302653 * 2 / sqrt(3) = 4.968275
  CHECK(s.ci_low == Approx(7.031725).epsilon(1e-6));
  CHECK(s.ci_high == Approx(16.968275).epsilon(1e-6));
}

TEST_CASE("summaries of one or zero samples have no spread", "[stats]") {
  const std::vector<double> one{5};
  const Summary s = summarize(one);
  CHECK(s.mean == 5);
  CHECK(s.ci_low == 5);
  CHECK(s.ci_high == 5);
  CHECK(summarize(std::vector<double>{}).n == 0);
  const Summary even = summarize(std::vector<double>{4, 1, 3, 2});
  CHECK(even.median == Approx(2.5));
  CHECK(even.min == 1);
  CHECK(even.max == 4);
}
