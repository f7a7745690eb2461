#include "results.hpp"

#include <algorithm>

namespace vm::bench {

void ResultSet::add(BenchmarkSamples b) {
  auto it = std::find_if(benchmarks.begin(), benchmarks.end(), [&](const auto& x) { return x.name == b.name; });
  if (it == benchmarks.end()) {
    benchmarks.push_back(std::move(b));
    return;
  }
  it->samples.insert(it->samples.end(), b.samples.begin(), b.samples.end());
  if (it->description.empty()) it->description = std::move(b.description);
}

const BenchmarkSamples* ResultSet::find(const std::string& name) const {
  auto it = std::find_if(benchmarks.begin(), benchmarks.end(), [&](const auto& x) { return x.name == name; });
  return it == benchmarks.end() ? nullptr : &*it;
}

}  // namespace vm::bench
