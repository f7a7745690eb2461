// vm-bench: saves benchmark baselines, compares runs with a Mann-Whitney U
// test plus thresholds, and writes Markdown reports and trend charts.
#include <CLI/CLI.hpp>

#include <map>

#include "commands.hpp"

namespace {

using vm::bench::Thresholds;

void add_time_option(CLI::App& cmd, vm::bench::ReadOptions& read) {
  static const std::map<std::string, vm::bench::TimeKind> kinds{{"cpu", vm::bench::TimeKind::kCpu},
                                                                {"real", vm::bench::TimeKind::kReal}};
  cmd.add_option("--time", read.time, "Google Benchmark time to use: cpu (default) or real")
      ->transform(CLI::CheckedTransformer(kinds, CLI::ignore_case));
}

void add_threshold_options(CLI::App& cmd, Thresholds& t) {
  cmd.add_option("--alpha", t.alpha, "significance level of the U test")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd.add_option("--improvement", t.improvement_pct, "improvement: faster by more than this % and significant")
      ->capture_default_str();
  cmd.add_option("--warning", t.warning_pct, "warning: slower by more than this %")->capture_default_str();
  cmd.add_option("--regression", t.regression_pct, "regression: slower by more than this % and significant")
      ->capture_default_str();
  cmd.add_option("--high-severity", t.high_severity_pct, "high severity: a regression slower by more than this %")
      ->capture_default_str();
  cmd.add_flag("!--change-of-means", t.change_of_medians,
               "classify on the change of the means instead of the medians (less robust to outliers)");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"vm-bench: benchmark baselines, comparisons, reports and trends"};
  app.require_subcommand(1);

  vm::bench::SaveBaselineArgs save;
  auto* save_cmd = app.add_subcommand("save-baseline", "store results as benches/baselines/NAME.json");
  save_cmd->add_option("name", save.name, "baseline name")->required();
  save_cmd->add_option("results", save.results, "Google Benchmark / hyperfine JSON files or directories")->required();
  save_cmd->add_option("--dir", save.dir, "baseline directory (default: benches/baselines of the git checkout)");
  save_cmd->add_option("--commit", save.commit, "commit to record (default: git rev-parse HEAD)");
  add_time_option(*save_cmd, save.read);

  vm::bench::CompareArgs cmp;
  auto* cmp_cmd = app.add_subcommand("compare", "compare a new run with a baseline; exit 1 on regression");
  cmp_cmd->add_option("base", cmp.base, "baseline: a file, or a NAME saved with save-baseline")->required();
  cmp_cmd->add_option("new", cmp.current, "results of the new run (files or directories)")->required();
  cmp_cmd->add_option("--baseline-dir", cmp.baseline_dir, "where named baselines live");
  cmp_cmd->add_option("--json", cmp.json_out, "write the comparison as JSON to FILE");
  cmp_cmd->add_option("--markdown", cmp.markdown_out, "write the Markdown table to FILE");
  cmp_cmd->add_option("--github", cmp.github_out, "write github-action-benchmark customSmallerIsBetter JSON to FILE");
  cmp_cmd->add_flag("-q,--quiet", cmp.quiet, "do not print the Markdown table on stdout");
  add_threshold_options(*cmp_cmd, cmp.thresholds);
  add_time_option(*cmp_cmd, cmp.read);

  vm::bench::ReportArgs rep;
  auto* rep_cmd = app.add_subcommand("report", "Markdown report grouped by category");
  rep_cmd->add_option("results", rep.results, "results files or directories")->required();
  rep_cmd->add_option("--baseline", rep.base, "compare with this baseline (file or NAME)");
  rep_cmd->add_option("--baseline-dir", rep.baseline_dir, "where named baselines live");
  rep_cmd->add_option("-o,--output", rep.output, "write to FILE instead of stdout");
  add_threshold_options(*rep_cmd, rep.thresholds);
  add_time_option(*rep_cmd, rep.read);

  vm::bench::TrendArgs trend;
  auto* trend_cmd = app.add_subcommand("trend", "append means to a CSV and draw one SVG chart per group");
  trend_cmd->add_option("results", trend.results, "results files or directories")->required();
  trend_cmd->add_option("--csv", trend.csv, "history CSV (benchmark,mean_time_ns,timestamp,commit)")->required();
  trend_cmd->add_option("--svg-dir", trend.svg_dir, "write <library>_<group>.svg charts here");
  trend_cmd->add_option("--timestamp", trend.timestamp, "timestamp of this run (default: now, ISO 8601 UTC)");
  trend_cmd->add_option("--commit", trend.commit, "commit of this run (default: git rev-parse HEAD)");
  add_time_option(*trend_cmd, trend.read);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : vm::bench::kExitBadInput;
  }
  if (*save_cmd) return vm::bench::save_baseline_command(save);
  if (*cmp_cmd) return vm::bench::compare_command(cmp);
  if (*rep_cmd) return vm::bench::report_command(rep);
  return vm::bench::trend_command(trend);
}
