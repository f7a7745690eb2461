// Facts vm-bench looks up from its surroundings: the git commit, the current
// time, and where baselines live.
#pragma once

#include <string>

namespace vm::bench {

// `git rev-parse HEAD` in the current directory, or "unknown".
std::string current_commit();
// Now, as ISO 8601 UTC ("2026-11-23T16:40:00Z").
std::string current_timestamp();
// $VM_BENCH_BASELINES, else <git top level>/benches/baselines, else
// ./benches/baselines.
std::string default_baseline_dir();

}  // namespace vm::bench
