#include <fmt/format.h>

#include <filesystem>

#include "commands.hpp"
#include "environment.hpp"
#include "json_text.hpp"
#include "output_file.hpp"
#include "trend.hpp"

namespace vm::bench {

namespace {

// "mem/tlb" -> "mem_tlb.svg".
std::string chart_file_name(std::string group) {
  for (char& c : group) {
    if (c == '/' || c == ' ' || c == ':') c = '_';
  }
  return group + ".svg";
}

}  // namespace

int trend_command(const TrendArgs& args) {
  auto set = load_results(args.results, args.read);
  if (!set) return kExitBadInput;
  const std::string stamp = args.timestamp.empty() ? current_timestamp() : args.timestamp;
  const std::string commit = args.commit.empty() ? current_commit() : args.commit;
  if (auto ok = append_trend_csv(args.csv, trend_rows(*set, stamp, commit)); !ok) {
    print_error(ok.error().message());
    return kExitBadInput;
  }
  fmt::print(stderr, "vm-bench: appended {} rows to {}\n", set->benchmarks.size(), args.csv);
  if (args.svg_dir.empty()) return kExitOk;
  auto text = read_text_file(args.csv);
  if (!text) {
    print_error(text.error().message());
    return kExitBadInput;
  }
  auto rows = parse_trend_csv(*text, args.csv);
  if (!rows) {
    print_error(rows.error().message());
    return kExitBadInput;
  }
  for (const auto& [group, group_rows] : rows_by_group(*rows)) {
    const std::string path = args.svg_dir + "/" + chart_file_name(group);
    if (!write_output(path, render_trend_svg(group, group_rows))) return kExitBadInput;
    fmt::print(stderr, "vm-bench: wrote {}\n", path);
  }
  return kExitOk;
}

}  // namespace vm::bench
