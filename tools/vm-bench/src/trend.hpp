// Benchmark history: a CSV with one row per benchmark per run
// (benchmark,mean_time_ns,timestamp,commit) and SVG line charts drawn from
// it, one per benchmark group, without any plotting package.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "results.hpp"
#include "vm/core/result.hpp"

namespace vm::bench {

struct TrendRow {
  std::string benchmark;
  double mean_time_ns = 0;
  std::string timestamp;  // ISO 8601; sorts chronologically as text
  std::string commit;
};

inline constexpr const char* kTrendHeader = "benchmark,mean_time_ns,timestamp,commit";

// One CSV line (no newline); fields holding commas or quotes are quoted.
std::string trend_csv_line(const TrendRow& row);
std::vector<TrendRow> trend_rows(const ResultSet& set, const std::string& timestamp, const std::string& commit);
// Appends rows, writing the header first when the file is new or empty.
vm::Result<void> append_trend_csv(const std::string& path, const std::vector<TrendRow>& rows);
vm::Result<std::vector<TrendRow>> parse_trend_csv(const std::string& text, const std::string& source);

// SVG line chart of one group: x is the run (distinct timestamps in order),
// y the mean time; one line and legend entry per benchmark.
std::string render_trend_svg(const std::string& title, const std::vector<TrendRow>& rows);
// Rows split by group_of(benchmark).
std::map<std::string, std::vector<TrendRow>> rows_by_group(const std::vector<TrendRow>& rows);

}  // namespace vm::bench
