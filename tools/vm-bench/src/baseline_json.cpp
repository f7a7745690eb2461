#include "baseline_json.hpp"

#include <fmt/format.h>

#include "stats.hpp"

namespace vm::bench {

using nlohmann::json;

json baseline_to_json(const std::string& name, const ResultSet& set) {
  json benchmarks = json::array();
  for (const BenchmarkSamples& b : set.benchmarks) {
    benchmarks.push_back({{"name", b.name},
                          {"value", summarize(b.samples).mean},
                          {"unit", b.unit},
                          {"description", b.description},
                          {"date", set.date},
                          {"commit", set.commit},
                          {"repetitions", b.samples}});
  }
  return {{"format", kBaselineFormat}, {"version", kBaselineVersion}, {"name", name},
          {"date", set.date},          {"commit", set.commit},        {"benchmarks", benchmarks}};
}

bool is_baseline_document(const json& doc) {
  return doc.is_object() && doc.contains("format") && doc["format"] == kBaselineFormat;
}

vm::Result<ResultSet> baseline_from_json(const json& doc, const std::string& source) {
  if (doc.value("version", 0) != kBaselineVersion) {
    return vm::make_error(vm::ErrorCode::kUnsupported,
                          fmt::format("{}: baseline version {} (this vm-bench reads version {})", source,
                                      doc.value("version", 0), kBaselineVersion));
  }
  ResultSet set;
  set.date = doc.value("date", "");
  set.commit = doc.value("commit", "unknown");
  const json& benchmarks = doc.at("benchmarks");
  for (std::size_t i = 0; i < benchmarks.size(); ++i) {
    const json& b = benchmarks[i];
    if (!b.contains("name") || !b.contains("repetitions") || !b["repetitions"].is_array() || b["repetitions"].empty()) {
      return vm::make_error(
          vm::ErrorCode::kMalformed,
          fmt::format("{}: benchmarks[{}] needs a name and a non-empty repetitions array", source, i));
    }
    if (b.value("unit", "ns") != "ns") {
      return vm::make_error(vm::ErrorCode::kUnsupported, fmt::format("{}: benchmarks[{}] has unit '{}' (expected ns)",
                                                                     source, i, b.value("unit", "")));
    }
    set.add({.name = b["name"].get<std::string>(),
             .unit = "ns",
             .description = b.value("description", ""),
             .samples = b["repetitions"].get<std::vector<double>>()});
  }
  return set;
}

}  // namespace vm::bench
