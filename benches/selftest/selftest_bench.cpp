// bench_selftest: 24 small, deterministic Google Benchmark cases used by the
// vm-bench end-to-end test. Setting VM_SELFTEST_SLOWDOWN_PCT=15 (or building
// with -DVM_SELFTEST_SLOWDOWN_PCT=15) makes every case do exactly 15% more
// work, a known regression that `vm-bench compare` must flag every time.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <numeric>
#include <string>
#include <vector>

#ifndef VM_SELFTEST_SLOWDOWN_PCT
#define VM_SELFTEST_SLOWDOWN_PCT 0
#endif

namespace {

// Each benchmark iteration runs its job kBaseUnits times; the slow-down adds
// whole units (20 -> 23 units is exactly +15%), so the extra cost is a
// precise fraction of the work rather than a timing trick.
constexpr int kBaseUnits = 20;

int work_units() {
  int pct = VM_SELFTEST_SLOWDOWN_PCT;
  if (const char* env = std::getenv("VM_SELFTEST_SLOWDOWN_PCT"); env && *env) pct = std::atoi(env);
  return kBaseUnits + kBaseUnits * pct / 100;
}

std::uint64_t mix_rounds(std::uint64_t seed, int rounds) {
  std::uint64_t h = seed;
  for (int i = 0; i < rounds; ++i) {
    h ^= h >> 31;
    h *= 0x9e3779b97f4a7c15ull;
    h += static_cast<std::uint64_t>(i);
  }
  return h;
}

std::vector<std::uint32_t> pseudo_random(std::size_t n) {
  std::vector<std::uint32_t> v(n);
  std::uint64_t s = 12345;
  for (auto& x : v) x = static_cast<std::uint32_t>(s = mix_rounds(s, 1));
  return v;
}

using Job = std::uint64_t (*)(int size, const std::vector<std::uint32_t>& data);

std::uint64_t hash_job(int size, const std::vector<std::uint32_t>&) { return mix_rounds(7, size); }

std::uint64_t checksum_job(int size, const std::vector<std::uint32_t>& data) {
  std::uint64_t sum = 0;
  for (int i = 0; i < size; ++i) sum = sum * 31 + data[static_cast<std::size_t>(i)];
  return sum;
}

std::uint64_t sort_job(int size, const std::vector<std::uint32_t>& data) {
  std::vector<std::uint32_t> copy(data.begin(), data.begin() + size);
  std::sort(copy.begin(), copy.end());
  return copy[copy.size() / 2];
}

std::uint64_t popcount_job(int size, const std::vector<std::uint32_t>& data) {
  std::uint64_t bits = 0;
  for (int i = 0; i < size; ++i)
    bits += static_cast<std::uint64_t>(__builtin_popcount(data[static_cast<std::size_t>(i)]));
  return bits;
}

std::uint64_t divide_job(int size, const std::vector<std::uint32_t>& data) {
  std::uint64_t acc = 0xffffffffffffull;
  for (int i = 0; i < size; ++i)
    acc = acc / (data[static_cast<std::size_t>(i)] % 7 + 2) + data[static_cast<std::size_t>(i)];
  return acc;
}

std::uint64_t string_job(int size, const std::vector<std::uint32_t>& data) {
  std::string s;
  for (int i = 0; i < size; ++i) s += static_cast<char>('a' + data[static_cast<std::size_t>(i)] % 26);
  return std::accumulate(s.begin(), s.end(), std::uint64_t{0});
}

struct Group {
  const char* name;
  Job job;
  std::array<int, 4> sizes;
};

constexpr Group kGroups[] = {
    {"hash", hash_job, {16, 32, 64, 128}},   {"checksum", checksum_job, {64, 128, 256, 512}},
    {"sort", sort_job, {8, 16, 32, 64}},     {"popcount", popcount_job, {64, 128, 256, 512}},
    {"divide", divide_job, {8, 16, 32, 64}}, {"string", string_job, {16, 32, 64, 128}},
};

void run_job(benchmark::State& state, Job job, int size, int units, const std::vector<std::uint32_t>* data) {
  for (auto _ : state) {
    for (int u = 0; u < units; ++u) benchmark::DoNotOptimize(job(size, *data));
  }
  state.SetItemsProcessed(state.iterations() * units);
}

}  // namespace

int main(int argc, char** argv) {
  static const std::vector<std::uint32_t> data = pseudo_random(512);
  const int units = work_units();
  for (const Group& g : kGroups) {
    for (int size : g.sizes) {
      const std::string name = "selftest/" + std::string(g.name) + "/" + std::to_string(size);
      benchmark::RegisterBenchmark(name.c_str(), run_job, g.job, size, units, &data);
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
