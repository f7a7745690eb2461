// Descriptive statistics for benchmark repetitions: mean, standard
// deviation, and a Student-t confidence interval for the mean.
#pragma once

#include <span>

namespace vm::bench {

struct Summary {
  std::size_t n = 0;
  double mean = 0, stddev = 0, min = 0, max = 0, median = 0;
  double ci_low = 0, ci_high = 0;  // confidence interval of the mean
  double ci_half_width() const { return (ci_high - ci_low) / 2; }
};

// Mean with a two-sided `confidence` interval from the t distribution with
// n-1 degrees of freedom. With one sample the interval is the point itself
// (nothing is known about the spread); an empty span gives a zero Summary.
Summary summarize(std::span<const double> samples, double confidence = 0.95);

// Regularized incomplete beta function I_x(a, b).
double incomplete_beta(double a, double b, double x);
// CDF of Student's t distribution with `df` degrees of freedom.
double student_t_cdf(double t, double df);
// Quantile: the t with student_t_cdf(t, df) == p (0 < p < 1).
double student_t_quantile(double p, double df);
// CDF of the standard normal distribution.
double normal_cdf(double z);

}  // namespace vm::bench
