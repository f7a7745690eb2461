#include <fmt/format.h>

#include <filesystem>

#include "baseline_json.hpp"
#include "commands.hpp"
#include "environment.hpp"
#include "output_file.hpp"

namespace vm::bench {

std::string resolve_baseline(const std::string& base, const std::string& dir) {
  std::error_code ec;
  if (std::filesystem::exists(base, ec)) return base;
  const std::string named = (dir.empty() ? default_baseline_dir() : dir) + "/" + base + ".json";
  return std::filesystem::exists(named, ec) ? named : base;  // a missing file is reported by the reader
}

int save_baseline_command(const SaveBaselineArgs& args) {
  if (args.name.empty() || args.name.find('/') != std::string::npos) {
    print_error(fmt::format("baseline name '{}' must be non-empty and contain no '/'", args.name));
    return kExitBadInput;
  }
  auto set = load_results(args.results, args.read);
  if (!set) return kExitBadInput;
  set->commit = args.commit.empty() ? current_commit() : args.commit;
  if (set->date.empty()) set->date = current_timestamp();
  const std::string path = (args.dir.empty() ? default_baseline_dir() : args.dir) + "/" + args.name + ".json";
  if (!write_output(path, baseline_to_json(args.name, *set).dump(2) + "\n")) return kExitBadInput;
  fmt::print(stderr, "vm-bench: saved {} benchmarks (commit {}) to {}\n", set->benchmarks.size(), set->commit, path);
  return kExitOk;
}

}  // namespace vm::bench
