// The vm-bench subcommands. Each returns the process exit status:
// 0 success, 1 a regression was found (compare), 2 bad usage or input.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compare.hpp"
#include "readers.hpp"

namespace vm::bench {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRegression = 1;
inline constexpr int kExitBadInput = 2;

struct SaveBaselineArgs {
  std::string name;
  std::vector<std::string> results;
  std::string dir;     // empty: default_baseline_dir()
  std::string commit;  // empty: current_commit()
  ReadOptions read;
};
int save_baseline_command(const SaveBaselineArgs& args);

struct CompareArgs {
  std::string base;  // a file, or the name of a baseline in `baseline_dir`
  std::vector<std::string> current;
  std::string baseline_dir;
  std::string json_out, markdown_out, github_out;  // optional output files ("-": stdout)
  bool quiet = false;                              // no Markdown on stdout
  Thresholds thresholds;
  ReadOptions read;
};
int compare_command(const CompareArgs& args);

struct ReportArgs {
  std::vector<std::string> results;
  std::string base;  // optional baseline (file or name)
  std::string baseline_dir;
  std::string output;  // empty: stdout
  Thresholds thresholds;
  ReadOptions read;
};
int report_command(const ReportArgs& args);

struct TrendArgs {
  std::vector<std::string> results;
  std::string csv;
  std::string svg_dir;    // empty: no charts
  std::string timestamp;  // empty: now
  std::string commit;     // empty: current_commit()
  ReadOptions read;
};
int trend_command(const TrendArgs& args);

// Reads results for a command: prints the error (returning nullopt) or a
// warning for each skipped entry.
std::optional<ResultSet> load_results(const std::vector<std::string>& paths, const ReadOptions& options);

// Resolves a baseline argument: an existing path, else <dir>/<name>.json.
std::string resolve_baseline(const std::string& base, const std::string& dir);

}  // namespace vm::bench
