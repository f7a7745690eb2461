#include <fmt/format.h>

#include "vm/core/perf/stats.hpp"

namespace vm::core::perf {
namespace {

// 1234 -> "1.23 us": durations span ns to s, so fixed units would be unreadable.
std::string duration_text(double ns) {
  if (ns < 1e3) return fmt::format("{:.0f} ns", ns);
  if (ns < 1e6) return fmt::format("{:.2f} us", ns / 1e3);
  if (ns < 1e9) return fmt::format("{:.2f} ms", ns / 1e6);
  return fmt::format("{:.2f} s", ns / 1e9);
}

}  // namespace

std::string format_stats_table(const Stats& stats) {
  std::string out = fmt::format("vm perf: {:.3f} s, {} thread(s), clock {} (resolution {:.1f} ns)", stats.wall_ns / 1e9,
                                stats.threads, stats.clock_source, stats.resolution_ns);
  if (stats.samples_taken || stats.sample_overruns)
    out += fmt::format(", samples {} (overruns {})", stats.samples_taken, stats.sample_overruns);
  out += fmt::format("\n{:<18} {:>10} {:>11} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}\n", "event", "count",
                     "rate/s", "total", "mean", "min", "p50", "p90", "p99", "max");
  bool any = false;
  for (const EventStats& e : stats.events) {
    if (e.count == 0) continue;
    any = true;
    if (e.kind == EventKind::kInstant) {
      out += fmt::format("{:<18} {:>10} {:>11.1f}\n", e.name, e.count, e.rate_per_s);
      continue;
    }
    out +=
        fmt::format("{:<18} {:>10} {:>11.1f} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}\n", e.name, e.count,
                    e.rate_per_s, duration_text(e.total_ns), duration_text(e.mean_ns), duration_text(e.min_ns),
                    duration_text(e.p50_ns), duration_text(e.p90_ns), duration_text(e.p99_ns), duration_text(e.max_ns));
  }
  if (!any) out += "(no events recorded)\n";
  return out;
}

}  // namespace vm::core::perf
