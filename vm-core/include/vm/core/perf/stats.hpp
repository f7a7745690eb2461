// A merged, read-only snapshot of a monitor's statistics in nanoseconds: what
// the stats JSON holds, what `vm perf show` prints and baselines compare.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vm/core/export.hpp"
#include "vm/core/perf/event.hpp"

namespace vm::core::perf {

struct EventStats {
  std::string name;
  EventKind kind = EventKind::kTimed;
  std::uint64_t count = 0;
  double total_ns = 0, min_ns = 0, max_ns = 0, mean_ns = 0;
  double last_ns = 0;  // end of the latest occurrence, since monitor start
  double p50_ns = 0, p90_ns = 0, p99_ns = 0;
  double rate_per_s = 0;  // count / wall time
};

struct Stats {
  std::string clock_source;
  double ns_per_tick = 1;
  double resolution_ns = 0;
  double wall_ns = 0;  // monitor start to snapshot
  std::uint32_t threads = 0;
  std::uint64_t samples_taken = 0;
  std::uint64_t sample_overruns = 0;
  std::vector<EventStats> events;  // every registered event, by id

  const EventStats* find(std::string_view name) const noexcept {
    for (const EventStats& e : events)
      if (e.name == name) return &e;
    return nullptr;
  }
};

// A `top`-like table (one row per event that occurred) for the terminal.
VM_CORE_API std::string format_stats_table(const Stats& stats);

}  // namespace vm::core::perf
