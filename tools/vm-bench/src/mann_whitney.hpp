// Two-sided Mann-Whitney U (Wilcoxon rank-sum) test: are two sets of
// benchmark repetitions drawn from the same distribution? Rank-based, so one
// outlier repetition (a context switch) cannot fake or hide a change.
#pragma once

#include <span>

namespace vm::bench {

struct MannWhitneyResult {
  double u = 0;        // U of the first sample: pairs (x, y) with x > y, ties count 1/2
  double p_value = 1;  // two-sided
  bool exact = false;  // true: exact permutation distribution; false: normal approximation
  double z = 0;        // the normal deviate (normal approximation only)
};

// Largest per-sample size for which the exact distribution is used.
inline constexpr std::size_t kExactMaxSampleSize = 30;

// Method (documented in benches/README.md):
// - exact: when neither sample has more than kExactMaxSampleSize values and
//   there are no ties, the p-value is computed from the exact distribution
//   of U under H0 (all C(n1+n2, n1) rank arrangements equally likely):
//   p = min(1, 2 * min(P(U <= u), P(U >= u))).
// - otherwise: normal approximation with mean n1*n2/2, the tie-corrected
//   variance n1*n2/12 * ((n+1) - sum(t^3 - t) / (n(n-1))) over tie groups of
//   size t, and a continuity correction of 0.5.
// Empty samples give p = 1.
MannWhitneyResult mann_whitney_u(std::span<const double> x, std::span<const double> y);

// P(U <= u) for sample sizes n1, n2 without ties (exact distribution).
double mann_whitney_exact_cdf(std::size_t n1, std::size_t n2, double u);

}  // namespace vm::bench
