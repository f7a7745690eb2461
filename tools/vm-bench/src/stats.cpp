#include "stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace vm::bench {

namespace {

// Continued fraction for I_x(a, b), evaluated with the modified Lentz
// method; converges quickly for x < (a + 1) / (a + b + 2).
double beta_continued_fraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  constexpr double kEps = 1e-15;
  double c = 1.0;
  double d = 1.0 - (a + b) * x / (a + 1.0);
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1.0 / d;
  double result = d;
  for (int m = 1; m <= 500; ++m) {
    // Even step, then odd step of the fraction's terms.
    for (int odd = 0; odd < 2; ++odd) {
      const double coeff = odd ? -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0))
                               : m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m));
      d = 1.0 + coeff * d;
      if (std::fabs(d) < kTiny) d = kTiny;
      c = 1.0 + coeff / c;
      if (std::fabs(c) < kTiny) c = kTiny;
      d = 1.0 / d;
      result *= d * c;
    }
    if (std::fabs(d * c - 1.0) < kEps) break;
  }
  return result;
}

}  // namespace

double incomplete_beta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double log_front = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  const double front = std::exp(log_front);
  // Use the symmetry I_x(a,b) = 1 - I_{1-x}(b,a) where the fraction converges.
  if (x < (a + 1.0) / (a + b + 2.0)) return front * beta_continued_fraction(a, b, x) / a;
  return 1.0 - front * beta_continued_fraction(b, a, 1.0 - x) / b;
}

double student_t_cdf(double t, double df) {
  // Two equivalent forms; each keeps its beta argument away from 1 (where
  // 1 - x would cancel) in its own range of t.
  const double t2 = t * t;
  const double tail = t2 < df ? 0.5 * (1.0 - incomplete_beta(0.5, df / 2.0, t2 / (df + t2)))
                              : 0.5 * incomplete_beta(df / 2.0, 0.5, df / (df + t2));
  return t >= 0 ? 1.0 - tail : tail;
}

double student_t_quantile(double p, double df) {
  // Bisection on the CDF: monotone, and 200 halvings reach double precision
  // from any bracket we use here.
  double lo = -1e4, hi = 1e4;
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2;
    (student_t_cdf(mid, df) < p ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

Summary summarize(std::span<const double> samples, double confidence) {
  Summary s;
  s.n = samples.size();
  if (s.n == 0) return s;
  std::vector<double> sorted(samples.begin(), samples.end());
  std::sort(sorted.begin(), sorted.end());
  s.min = sorted.front();
  s.max = sorted.back();
  s.median = s.n % 2 ? sorted[s.n / 2] : (sorted[s.n / 2 - 1] + sorted[s.n / 2]) / 2;
  double sum = 0;
  for (double v : sorted) sum += v;
  s.mean = sum / static_cast<double>(s.n);
  s.ci_low = s.ci_high = s.mean;
  if (s.n < 2) return s;
  double sq = 0;
  for (double v : sorted) sq += (v - s.mean) * (v - s.mean);
  s.stddev = std::sqrt(sq / static_cast<double>(s.n - 1));
  const double t = student_t_quantile(1.0 - (1.0 - confidence) / 2.0, static_cast<double>(s.n - 1));
  const double half = t * s.stddev / std::sqrt(static_cast<double>(s.n));
  s.ci_low = s.mean - half;
  s.ci_high = s.mean + half;
  return s;
}

}  // namespace vm::bench
