#include <fmt/format.h>

#include "commands.hpp"
#include "output_file.hpp"
#include "writers.hpp"

namespace vm::bench {

namespace {

// Names that could not be paired are listed, never silently dropped; with no
// common name at all the baseline belongs to another benchmark set.
bool check_names(const Comparison& c, const std::string& base) {
  auto list = [](const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += "\n  " + n;
    return out;
  };
  if (!c.only_in_base.empty()) {
    print_error(fmt::format("{} benchmark(s) of the baseline are missing from the new run:{}", c.only_in_base.size(),
                            list(c.only_in_base)));
  }
  if (!c.only_in_new.empty()) {
    print_error(fmt::format("{} benchmark(s) of the new run are not in the baseline:{}", c.only_in_new.size(),
                            list(c.only_in_new)));
  }
  if (c.rows.empty()) {
    print_error(fmt::format("no benchmark name is shared with baseline {}: it is from another benchmark set", base));
    return false;
  }
  return true;
}

}  // namespace

int compare_command(const CompareArgs& args) {
  const std::string base_path = resolve_baseline(args.base, args.baseline_dir);
  auto base = load_results({base_path}, args.read);
  if (!base) return kExitBadInput;
  auto current = load_results(args.current, args.read);
  if (!current) return kExitBadInput;
  const Comparison c = compare(*base, *current, args.thresholds);
  if (!check_names(c, base_path)) return kExitBadInput;
  const std::string markdown = comparison_markdown(c, args.thresholds);
  if (!args.quiet) fmt::print("{}", markdown);
  bool ok = true;
  if (!args.markdown_out.empty()) ok = write_output(args.markdown_out, markdown) && ok;
  if (!args.json_out.empty())
    ok = write_output(args.json_out, comparison_to_json(c, args.thresholds).dump(2) + "\n") && ok;
  if (!args.github_out.empty()) {
    ok = write_output(args.github_out,
                      to_custom_smaller_is_better(*current, args.thresholds.confidence).dump(2) + "\n") &&
         ok;
  }
  if (!ok) return kExitBadInput;
  const std::size_t failures = c.count(Classification::kRegression) + c.count(Classification::kHighSeverity);
  if (failures > 0) {
    print_error(fmt::format("{} of {} benchmarks regressed", failures, c.rows.size()));
    return kExitRegression;
  }
  return kExitOk;
}

int report_command(const ReportArgs& args) {
  auto set = load_results(args.results, args.read);
  if (!set) return kExitBadInput;
  std::optional<ResultSet> base;
  if (!args.base.empty()) {
    const std::string base_path = resolve_baseline(args.base, args.baseline_dir);
    base = load_results({base_path}, args.read);
    if (!base) return kExitBadInput;
    if (!check_names(compare(*base, *set, args.thresholds), base_path)) return kExitBadInput;
  }
  const std::string text = report_markdown(*set, base ? &*base : nullptr, args.thresholds);
  return write_output(args.output.empty() ? "-" : args.output, text) ? kExitOk : kExitBadInput;
}

}  // namespace vm::bench
