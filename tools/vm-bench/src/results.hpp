// The data vm-bench works on: named benchmarks with their raw repetitions,
// read from Google Benchmark / hyperfine output or from a saved baseline.
#pragma once

#include <string>
#include <vector>

namespace vm::bench {

// One benchmark: every repetition is kept because the comparison tests the
// distributions, not just the means. Times are in nanoseconds.
struct BenchmarkSamples {
  std::string name;         // e.g. "mem/tlb/hit"
  std::string unit = "ns";  // unit of `samples` (always ns after reading)
  std::string description;  // label or command line, when the source has one
  std::vector<double> samples;
};

// A set of benchmarks plus where it came from (for baselines and trends).
struct ResultSet {
  std::string date;    // ISO 8601, from the results file or the time of saving
  std::string commit;  // git commit the results were measured at ("unknown" if not known)
  std::vector<BenchmarkSamples> benchmarks;
  // Entries that were read but carry no usable result (a benchmark that
  // reported an error), as "file: name: why"; commands print them.
  std::vector<std::string> skipped;

  // Adds the samples of `b`, merging with an existing benchmark of the same
  // name (several runs of one executable, e.g. interleaved chunks).
  void add(BenchmarkSamples b);
  const BenchmarkSamples* find(const std::string& name) const;
};

}  // namespace vm::bench
