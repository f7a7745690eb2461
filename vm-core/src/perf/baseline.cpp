#include "vm/core/perf/baseline.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace vm::core::perf {
namespace {

struct MetricRow {
  Metric metric;
  std::string_view name;
  double (*value)(const EventStats&);
};
constexpr MetricRow kMetrics[] = {
    {Metric::kMean, "mean", [](const EventStats& e) { return e.mean_ns; }},
    {Metric::kP50, "p50", [](const EventStats& e) { return e.p50_ns; }},
    {Metric::kP90, "p90", [](const EventStats& e) { return e.p90_ns; }},
    {Metric::kP99, "p99", [](const EventStats& e) { return e.p99_ns; }},
    {Metric::kMax, "max", [](const EventStats& e) { return e.max_ns; }},
    {Metric::kTotal, "total", [](const EventStats& e) { return e.total_ns; }},
    {Metric::kCount, "count", [](const EventStats& e) { return static_cast<double>(e.count); }},
};

const MetricRow& row_of(Metric m) {
  return *std::find_if(std::begin(kMetrics), std::end(kMetrics), [m](const MetricRow& r) { return r.metric == m; });
}

double value_of(const EventStats& e, Metric m) {
  // Instant events have no durations; their count is the only measure.
  if (e.kind == EventKind::kInstant) return static_cast<double>(e.count);
  return row_of(m).value(e);
}

}  // namespace

vm::Result<Metric> parse_metric(std::string_view name) {
  for (const MetricRow& r : kMetrics)
    if (r.name == name) return r.metric;
  return vm::make_error(vm::ErrorCode::kInvalidArgument,
                        fmt::format("unknown metric '{}' (expected mean, p50, p90, p99, max, total or count)", name));
}

bool CheckReport::regressed() const noexcept {
  return std::any_of(events.begin(), events.end(),
                     [](const EventCheck& e) { return e.verdict == EventCheck::Verdict::kRegressed; });
}

CheckReport check_against_baseline(const Stats& baseline, const Stats& current, const CheckOptions& options) {
  CheckReport report;
  for (const EventStats& base : baseline.events) {
    if (base.count == 0) continue;  // nothing to compare against
    EventCheck check;
    check.name = base.name;
    const auto override_it = options.per_event_pct.find(base.name);
    check.threshold_pct = override_it != options.per_event_pct.end() ? override_it->second : options.threshold_pct;
    check.baseline = value_of(base, options.metric);
    const EventStats* now = current.find(base.name);
    if (!now || now->count == 0) {
      check.verdict = EventCheck::Verdict::kMissing;
    } else if (base.count < options.min_count || check.baseline <= 0) {
      check.current = value_of(*now, options.metric);
      check.verdict = EventCheck::Verdict::kSkipped;
    } else {
      check.current = value_of(*now, options.metric);
      check.change_pct = (check.current - check.baseline) / check.baseline * 100.0;
      if (check.change_pct > check.threshold_pct)
        check.verdict = EventCheck::Verdict::kRegressed;
      else if (check.change_pct < -check.threshold_pct)
        check.verdict = EventCheck::Verdict::kImproved;
    }
    report.events.push_back(std::move(check));
  }
  return report;
}

std::string format_check_report(const CheckReport& report, Metric metric) {
  std::string out = fmt::format("{:<18} {:>14} {:>14} {:>9}  verdict (metric: {})\n", "event", "baseline", "current",
                                "change", row_of(metric).name);
  std::size_t regressions = 0;
  for (const EventCheck& e : report.events) {
    std::string verdict;
    switch (e.verdict) {
      case EventCheck::Verdict::kOk:
        verdict = "ok";
        break;
      case EventCheck::Verdict::kImproved:
        verdict = "improved";
        break;
      case EventCheck::Verdict::kSkipped:
        verdict = "skipped (too few events in the baseline)";
        break;
      case EventCheck::Verdict::kMissing:
        verdict = "missing (not recorded in this run)";
        break;
      case EventCheck::Verdict::kRegressed:
        verdict = fmt::format("REGRESSED {:+.1f}% (limit {:.0f}%)", e.change_pct, e.threshold_pct);
        ++regressions;
        break;
    }
    out += fmt::format("{:<18} {:>14.1f} {:>14.1f} {:>+8.1f}%  {}\n", e.name, e.baseline, e.current, e.change_pct,
                       verdict);
  }
  out += regressions ? fmt::format("{} event(s) regressed\n", regressions) : "no regressions\n";
  return out;
}

}  // namespace vm::core::perf
