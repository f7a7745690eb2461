// Saving and loading Stats as JSON: the format of `vm run --perf-stats`, of
// baselines, and the input of `vm perf show` / `vm perf check`.
#pragma once

#include <string>
#include <string_view>

#include "vm/core/export.hpp"
#include "vm/core/perf/stats.hpp"
#include "vm/core/result.hpp"

namespace vm::core::perf {

// {"format": "vm-perf-stats", "version": 1, "clock": {...}, "wall_ns": ...,
//  "threads": n, "samples": {"taken": n, "overruns": n},
//  "events": [{"name", "kind", "count", "total_ns", "min_ns", "max_ns",
//              "mean_ns", "last_ns", "p50_ns", "p90_ns", "p99_ns", "rate_per_s"}]}
VM_CORE_API std::string stats_to_json(const Stats& stats);
// Errors (kMalformed) name `source` and the field that is wrong.
VM_CORE_API vm::Result<Stats> stats_from_json(std::string_view text, std::string_view source);

VM_CORE_API vm::Result<void> save_stats(const Stats& stats, const std::string& path);
VM_CORE_API vm::Result<Stats> load_stats(const std::string& path);

}  // namespace vm::core::perf
