#include "environment.hpp"

#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace vm::bench {

namespace {

// First line of a shell command's output, or "" when it fails.
std::string first_line_of(const char* command) {
  FILE* pipe = popen(command, "r");
  if (!pipe) return "";
  char buffer[512] = {};
  std::string line = std::fgets(buffer, sizeof buffer, pipe) ? buffer : "";
  if (pclose(pipe) != 0) return "";
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

}  // namespace

std::string current_commit() {
  const std::string commit = first_line_of("git rev-parse HEAD 2>/dev/null");
  return commit.empty() ? "unknown" : commit;
}

std::string current_timestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

std::string default_baseline_dir() {
  if (const char* env = std::getenv("VM_BENCH_BASELINES"); env && *env) return env;
  const std::string top = first_line_of("git rev-parse --show-toplevel 2>/dev/null");
  return (top.empty() ? std::string(".") : top) + "/benches/baselines";
}

}  // namespace vm::bench
