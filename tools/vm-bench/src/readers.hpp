// Reads benchmark results: Google Benchmark JSON (per-repetition entries),
// hyperfine --export-json, and vm-bench's own baseline files. The format is
// recognised from the content, so every command accepts any of them.
#pragma once

#include <string>
#include <vector>

#include "results.hpp"
#include "vm/core/result.hpp"

namespace vm::bench {

// Which Google Benchmark time is used. CPU time is the default because it
// is not inflated when a busy machine deschedules the benchmark thread.
enum class TimeKind { kCpu, kReal };

struct ReadOptions {
  TimeKind time = TimeKind::kCpu;
};

// Parses one results document; `source` names it in error messages.
vm::Result<ResultSet> parse_results(const std::string& text, const std::string& source,
                                    const ReadOptions& options = {});

// Reads files (a directory stands for the *.json files in it, sorted) and
// merges them: repetitions of one benchmark found in several files are
// pooled. Fails naming the file (and the line and column for bad JSON).
vm::Result<ResultSet> read_results(const std::vector<std::string>& paths, const ReadOptions& options = {});

}  // namespace vm::bench
