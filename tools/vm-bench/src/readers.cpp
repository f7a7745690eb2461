#include "readers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "baseline_json.hpp"
#include "json_text.hpp"

namespace vm::bench {

namespace {

using nlohmann::json;

vm::Unexpected<vm::Error> malformed(const std::string& source, const std::string& what) {
  return vm::make_error(vm::ErrorCode::kMalformed, fmt::format("{}: {}", source, what));
}

vm::Result<double> to_ns(double value, const std::string& unit) {
  if (unit == "ns") return value;
  if (unit == "us") return value * 1e3;
  if (unit == "ms") return value * 1e6;
  if (unit == "s") return value * 1e9;
  return vm::make_error(vm::ErrorCode::kUnsupported, fmt::format("unknown time unit '{}'", unit));
}

// Google Benchmark: with --benchmark_repetitions every repetition is an
// entry with run_type "iteration"; mean/median/stddev entries are
// "aggregate" and are skipped (vm-bench computes its own statistics).
vm::Result<ResultSet> read_google_benchmark(const json& doc, const std::string& source, const ReadOptions& options) {
  ResultSet set;
  if (doc.contains("context") && doc["context"].contains("date")) set.date = doc["context"]["date"].get<std::string>();
  const char* field = options.time == TimeKind::kCpu ? "cpu_time" : "real_time";
  std::size_t aggregates = 0;
  const json& entries = doc["benchmarks"];
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const json& e = entries[i];
    const std::string where = fmt::format("benchmarks[{}]", i);
    if (!e.is_object() || !e.contains("name")) return malformed(source, where + " has no name");
    if (e.value("run_type", "iteration") == "aggregate") {
      ++aggregates;
      continue;
    }
    const std::string name = e.value("run_name", e["name"].get<std::string>());
    if (e.value("error_occurred", false)) {
      set.skipped.push_back(
          fmt::format("{}: {}: benchmark reported an error: {}", source, name, e.value("error_message", "")));
      continue;
    }
    if (!e.contains(field) || !e[field].is_number())
      return malformed(source, fmt::format("{} ({}) has no {}", where, name, field));
    auto ns = to_ns(e[field].get<double>(), e.value("time_unit", "ns"));
    if (!ns) return malformed(source, fmt::format("{} ({}): {}", where, name, ns.error().message()));
    set.add({.name = name, .unit = "ns", .description = e.value("label", ""), .samples = {*ns}});
  }
  if (set.benchmarks.empty() && set.skipped.empty() && aggregates > 0) {
    return malformed(source,
                     "only aggregate entries (mean/median/stddev); rerun with "
                     "--benchmark_report_aggregates_only=false to keep the repetitions");
  }
  return set;
}

// hyperfine --export-json: results[].command with times[] in seconds.
vm::Result<ResultSet> read_hyperfine(const json& doc, const std::string& source) {
  ResultSet set;
  const json& results = doc["results"];
  for (std::size_t i = 0; i < results.size(); ++i) {
    const json& r = results[i];
    const std::string where = fmt::format("results[{}]", i);
    if (!r.contains("command") || !r["command"].is_string()) return malformed(source, where + " has no command");
    if (!r.contains("times") || !r["times"].is_array() || r["times"].empty()) {
      return malformed(source, where + " has no times (export with hyperfine --export-json)");
    }
    BenchmarkSamples b{
        .name = r["command"].get<std::string>(), .unit = "ns", .description = r["command"].get<std::string>()};
    for (const json& t : r["times"]) {
      if (!t.is_number()) return malformed(source, where + ".times holds a non-number");
      b.samples.push_back(t.get<double>() * 1e9);
    }
    set.add(std::move(b));
  }
  return set;
}

std::vector<std::string> expand(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (!std::filesystem::is_directory(p, ec)) {
      files.push_back(p);
      continue;
    }
    std::vector<std::string> in_dir;
    for (const auto& entry : std::filesystem::directory_iterator(p, ec)) {
      if (entry.path().extension() == ".json") in_dir.push_back(entry.path().string());
    }
    std::sort(in_dir.begin(), in_dir.end());
    files.insert(files.end(), in_dir.begin(), in_dir.end());
  }
  return files;
}

}  // namespace

vm::Result<ResultSet> parse_results(const std::string& text, const std::string& source, const ReadOptions& options) {
  auto doc = parse_json(text, source);
  if (!doc) return vm::Unexpected<vm::Error>(doc.error());
  try {
    if (is_baseline_document(*doc)) return baseline_from_json(*doc, source);
    if (doc->is_object() && doc->contains("benchmarks") && (*doc)["benchmarks"].is_array()) {
      return read_google_benchmark(*doc, source, options);
    }
    if (doc->is_object() && doc->contains("results") && (*doc)["results"].is_array())
      return read_hyperfine(*doc, source);
  } catch (const json::exception& e) {
    // A field of the wrong JSON type (e.g. a string where a number belongs).
    return malformed(source, fmt::format("unexpected value: {}", e.what()));
  }
  return malformed(source,
                   "not a Google Benchmark, hyperfine or vm-bench baseline JSON document "
                   "(expected a \"benchmarks\" or \"results\" array)");
}

vm::Result<ResultSet> read_results(const std::vector<std::string>& paths, const ReadOptions& options) {
  ResultSet merged;
  const std::vector<std::string> files = expand(paths);
  if (files.empty())
    return vm::make_error(vm::ErrorCode::kNotFound, "no results files given (or the directory holds no *.json)");
  for (const std::string& file : files) {
    auto text = read_text_file(file);
    if (!text) return vm::Unexpected<vm::Error>(text.error());
    auto set = parse_results(*text, file, options);
    if (!set) return set;
    if (merged.date.empty()) merged.date = set->date;
    if (merged.commit.empty()) merged.commit = set->commit;
    for (BenchmarkSamples& b : set->benchmarks) merged.add(std::move(b));
    merged.skipped.insert(merged.skipped.end(), set->skipped.begin(), set->skipped.end());
  }
  return merged;
}

}  // namespace vm::bench
