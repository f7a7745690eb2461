#include "mann_whitney.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "stats.hpp"

namespace vm::bench {

namespace {

struct Ranked {
  double rank_sum_x = 0;
  double tie_term = 0;  // sum over tie groups of t^3 - t
  bool has_ties = false;
};

// Mid-ranks over the pooled samples (tied values share their average rank).
Ranked rank(std::span<const double> x, std::span<const double> y) {
  std::vector<std::pair<double, bool>> pooled;  // value, belongs to x
  for (double v : x) pooled.emplace_back(v, true);
  for (double v : y) pooled.emplace_back(v, false);
  std::sort(pooled.begin(), pooled.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  Ranked r;
  for (std::size_t i = 0; i < pooled.size();) {
    std::size_t j = i;
    while (j < pooled.size() && pooled[j].first == pooled[i].first) ++j;
    const double t = static_cast<double>(j - i);
    const double mid_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    for (std::size_t k = i; k < j; ++k) {
      if (pooled[k].second) r.rank_sum_x += mid_rank;
    }
    if (t > 1) {
      r.has_ties = true;
      r.tie_term += t * t * t - t;
    }
    i = j;
  }
  return r;
}

// counts[u] = number of arrangements of n1 x's and n2 y's with U == u,
// from c(m, n, u) = c(m-1, n, u-n) + c(m, n-1, u): the largest value is
// either an x (beating all n y's) or a y (beating nothing).
std::vector<double> exact_counts(std::size_t n1, std::size_t n2) {
  // table[m][n] holds the distribution for sizes (m, n); built row by row.
  std::vector<std::vector<std::vector<double>>> table(n1 + 1, std::vector<std::vector<double>>(n2 + 1));
  for (std::size_t m = 0; m <= n1; ++m) {
    for (std::size_t n = 0; n <= n2; ++n) {
      auto& c = table[m][n];
      c.assign(m * n + 1, 0.0);
      if (m == 0 || n == 0) {
        c[0] = 1;
        continue;
      }
      const auto& without_x = table[m - 1][n];
      const auto& without_y = table[m][n - 1];
      for (std::size_t u = 0; u < without_x.size(); ++u) c[u + n] += without_x[u];
      for (std::size_t u = 0; u < without_y.size(); ++u) c[u] += without_y[u];
    }
  }
  return table[n1][n2];
}

}  // namespace

double mann_whitney_exact_cdf(std::size_t n1, std::size_t n2, double u) {
  const std::vector<double> counts = exact_counts(n1, n2);
  double total = 0, below = 0;
  for (std::size_t k = 0; k < counts.size(); ++k) {
    total += counts[k];
    if (static_cast<double>(k) <= u + 1e-9) below += counts[k];
  }
  return below / total;
}

MannWhitneyResult mann_whitney_u(std::span<const double> x, std::span<const double> y) {
  MannWhitneyResult res;
  if (x.empty() || y.empty()) return res;
  const double n1 = static_cast<double>(x.size());
  const double n2 = static_cast<double>(y.size());
  const Ranked r = rank(x, y);
  res.u = r.rank_sum_x - n1 * (n1 + 1) / 2;

  if (!r.has_ties && x.size() <= kExactMaxSampleSize && y.size() <= kExactMaxSampleSize) {
    res.exact = true;
    const double lower = mann_whitney_exact_cdf(x.size(), y.size(), res.u);
    // By symmetry of U's distribution, P(U >= u) = P(U <= n1*n2 - u).
    const double upper = mann_whitney_exact_cdf(x.size(), y.size(), n1 * n2 - res.u);
    res.p_value = std::min(1.0, 2 * std::min(lower, upper));
    return res;
  }
  const double n = n1 + n2;
  const double mean = n1 * n2 / 2;
  const double variance = n1 * n2 / 12 * ((n + 1) - r.tie_term / (n * (n - 1)));
  if (variance <= 0) return res;  // every value tied: no evidence of a difference
  const double distance = std::max(0.0, std::fabs(res.u - mean) - 0.5);
  res.z = distance / std::sqrt(variance);
  res.p_value = std::min(1.0, 2 * (1 - normal_cdf(res.z)));
  return res;
}

}  // namespace vm::bench
