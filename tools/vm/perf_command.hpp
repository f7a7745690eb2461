// The launcher's side of the performance monitor: `vm run --perf-stats/
// --perf-trace/--perf-sample/--monitor` (a PerfSession around the run) and
// `vm perf show|check` on saved stats files.
#pragma once

#include <CLI/CLI.hpp>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "vm/core/config.hpp"
#include "vm/core/perf/monitor.hpp"
#include "vm/core/result.hpp"

namespace vm::tools {

// `vm run` options; each overrides its [perf] config key when given.
struct PerfRunArgs {
  std::string stats_file;
  std::string trace_file;
  std::optional<unsigned> sample_every;
  std::optional<unsigned> monitor_seconds;
};
void add_perf_run_options(CLI::App& run, PerfRunArgs& args);

// One monitored run: owns the monitor and, while the guest runs, a thread
// that drains samples, polls rates and prints the live table.
class PerfSession {
 public:
  // nullptr when nothing asked for the monitor (no cost to the run).
  static vm::Result<std::unique_ptr<PerfSession>> start(const PerfRunArgs& args, const core::PerfConfig& config);
  ~PerfSession();
  core::perf::Monitor* monitor() { return monitor_.get(); }
  // Stops the thread and writes the requested files; false if one failed
  // (the error was printed).
  bool finish();

 private:
  PerfSession() = default;
  void collect_loop();
  void collect_once();
  void print_live_table();

  std::unique_ptr<core::perf::Monitor> monitor_;
  std::string stats_file_, trace_file_;
  unsigned monitor_seconds_ = 0;
  bool sampling_ = false;
  std::vector<core::perf::Sample> samples_;
  std::vector<core::perf::RatePoint> rates_;
  std::uint64_t samples_dropped_ = 0;
  std::vector<std::uint64_t> table_counts_;  // --monitor: counts at the previous table
  double table_wall_ns_ = 0;
  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  bool stop_ = false;
  std::thread thread_;
};

// `vm perf show FILE` and `vm perf check --baseline BASE --threshold PCT FILE`.
struct PerfCommandArgs {
  std::string file;
  std::string baseline;
  double threshold_pct = 20;
  std::vector<std::string> event_thresholds;  // EVENT=PCT
  std::string metric = "mean";
  std::uint64_t min_count = 1;
};
struct PerfCommand {
  CLI::App* perf = nullptr;
  CLI::App* show = nullptr;
  CLI::App* check = nullptr;
};
PerfCommand add_perf_command(CLI::App& app, PerfCommandArgs& args);
// Exit status: 0 ok, 1 regression found, 2 bad input.
int run_perf_command(const PerfCommand& command, const PerfCommandArgs& args);

}  // namespace vm::tools
