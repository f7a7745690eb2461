// Regression check of a run's Stats against a saved baseline: per event, the
// chosen metric may grow by at most a percentage threshold.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "vm/core/export.hpp"
#include "vm/core/perf/stats.hpp"
#include "vm/core/result.hpp"

namespace vm::core::perf {

enum class Metric { kMean, kP50, kP90, kP99, kMax, kTotal, kCount };
// "mean", "p50", "p90", "p99", "max", "total", "count".
VM_CORE_API vm::Result<Metric> parse_metric(std::string_view name);

struct CheckOptions {
  double threshold_pct = 20;                    // default for every event
  std::map<std::string, double> per_event_pct;  // overrides by event name
  Metric metric = Metric::kMean;
  // Events with fewer occurrences than this in the baseline are too noisy
  // to judge and are reported as skipped.
  std::uint64_t min_count = 1;
};

struct EventCheck {
  std::string name;
  double baseline = 0, current = 0;
  double change_pct = 0;  // + is slower / more
  double threshold_pct = 0;
  enum class Verdict { kOk, kRegressed, kImproved, kSkipped, kMissing } verdict = Verdict::kOk;
};

struct VM_CORE_API CheckReport {
  std::vector<EventCheck> events;
  bool regressed() const noexcept;
};

// Instant events only have counts, so with a duration metric they are
// compared by count; an event in the baseline that is absent now is kMissing
// (listed, not a regression).
VM_CORE_API CheckReport check_against_baseline(const Stats& baseline, const Stats& current,
                                               const CheckOptions& options = {});
// One line per event; regressed ones say "REGRESSED +23.4% (limit 20%)".
VM_CORE_API std::string format_check_report(const CheckReport& report, Metric metric);

}  // namespace vm::core::perf
