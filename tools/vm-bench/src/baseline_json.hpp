// vm-bench's own baseline file (benches/baselines/NAME.json): per benchmark
// value (mean), unit, description, date, commit and the raw repetitions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "results.hpp"
#include "vm/core/result.hpp"

namespace vm::bench {

inline constexpr const char* kBaselineFormat = "vm-bench-baseline";
inline constexpr int kBaselineVersion = 1;

nlohmann::json baseline_to_json(const std::string& name, const ResultSet& set);
bool is_baseline_document(const nlohmann::json& doc);
vm::Result<ResultSet> baseline_from_json(const nlohmann::json& doc, const std::string& source);

}  // namespace vm::bench
