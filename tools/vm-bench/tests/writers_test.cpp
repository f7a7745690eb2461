#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "category.hpp"
#include "json_text.hpp"
#include "trend.hpp"
#include "writers.hpp"

using namespace vm::bench;

namespace {

// Compares with tests/golden/<name>; VM_BENCH_UPDATE_GOLDEN=1 rewrites it.
void check_golden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(VM_BENCH_GOLDEN_DIR) + "/" + name;
  if (const char* update = std::getenv("VM_BENCH_UPDATE_GOLDEN"); update && *update == '1') {
    std::ofstream(path, std::ios::binary) << actual;
  }
  auto expected = read_text_file(path);
  REQUIRE(expected);
  CHECK(actual == *expected);
}

std::vector<TrendRow> sample_history() {
  return {
      {"mem/tlb/hit", 12.5, "2026-11-20T10:00:00Z", "aaaa"},
      {"mem/tlb/miss", 80, "2026-11-20T10:00:00Z", "aaaa"},
      {"mem/tlb/hit", 12.0, "2026-11-21T10:00:00Z", "bbbb"},
      {"mem/tlb/miss", 95, "2026-11-21T10:00:00Z", "bbbb"},
      {"mem/tlb/hit", 11.5, "2026-11-22T10:00:00Z", "cccc"},
      {"mem/tlb/miss", 70, "2026-11-22T10:00:00Z", "cccc"},
      {"core/perf/record", 3.2, "2026-11-22T10:00:00Z", "cccc"},
      {"odd,name \"q\"", 1e6, "2026-11-22T10:00:00Z", "cccc"},
  };
}

}  // namespace

TEST_CASE("trend CSV matches the golden file and parses back", "[trend][golden]") {
  std::string csv = std::string(kTrendHeader) + "\n";
  for (const auto& r : sample_history()) csv += trend_csv_line(r) + "\n";
  check_golden("trend.csv", csv);
  auto rows = parse_trend_csv(csv, "trend.csv");
  REQUIRE(rows);
  REQUIRE(rows->size() == sample_history().size());
  CHECK(rows->back().benchmark == "odd,name \"q\"");
  CHECK(rows->back().mean_time_ns == 1e6);
  CHECK((*rows)[1].timestamp == "2026-11-20T10:00:00Z");
  CHECK((*rows)[1].commit == "aaaa");
}

TEST_CASE("trend CSV appends, writing the header once", "[trend]") {
  const auto path = std::filesystem::temp_directory_path() / "vm_bench_trend_test.csv";
  std::filesystem::remove(path);
  auto history = sample_history();
  REQUIRE(append_trend_csv(path.string(), {history[0]}));
  REQUIRE(append_trend_csv(path.string(), {history[2]}));
  auto text = read_text_file(path.string());
  REQUIRE(text);
  CHECK(*text ==
        "benchmark,mean_time_ns,timestamp,commit\nmem/tlb/hit,12.5,2026-11-20T10:00:00Z,aaaa\n"
        "mem/tlb/hit,12,2026-11-21T10:00:00Z,bbbb\n");
  std::filesystem::remove(path);
}

TEST_CASE("malformed trend CSV names the line", "[trend][errors]") {
  auto rows = parse_trend_csv("benchmark,mean_time_ns,timestamp,commit\na,1,t,c\nb,notanumber,t,c\n", "h.csv");
  REQUIRE_FALSE(rows);
  CHECK(rows.error().message() == "h.csv:3: expected benchmark,mean_time_ns,timestamp,commit");
}

TEST_CASE("trend SVG chart matches the golden file", "[trend][golden]") {
  const auto groups = rows_by_group(sample_history());
  REQUIRE(groups.size() == 3);
  REQUIRE(groups.count("mem/tlb") == 1);
  check_golden("mem_tlb.svg", render_trend_svg("mem/tlb", groups.at("mem/tlb")));
}

TEST_CASE("categories come from the name prefix", "[report]") {
  CHECK(category_of("mem/tlb/hit") == "memory");
  CHECK(category_of("vm_mem/tlb/hit") == "memory");
  CHECK(category_of("engine/jit/compile") == "JIT");
  CHECK(category_of("engine/interp/alu_loop") == "interpreter");
  CHECK(category_of("cross_arch/decode/mixed") == "cross-arch");
  CHECK(category_of("device/uart/write") == "device");
  CHECK(category_of("optimizers/dce/block") == "optimizers");
  CHECK(category_of("core/perf/record") == "core");
  CHECK(category_of("selftest/hash/a") == "other");
  CHECK(group_of("mem/tlb/hit") == "mem/tlb");
  CHECK(group_of("plain") == "plain");
}

TEST_CASE("comparison JSON, customSmallerIsBetter and Markdown carry every row", "[writers]") {
  ResultSet base, now;
  base.add({.name = "core/a", .samples = {100, 102, 98}});
  now.add({.name = "core/a", .samples = {100, 102, 98}});
  base.add({.name = "core/gone", .samples = {1}});
  const Thresholds t;
  const Comparison c = compare(base, now, t);
  const auto json = comparison_to_json(c, t);
  CHECK(json["benchmarks"][0]["classification"] == "stable");
  CHECK(json["benchmarks"][0]["base"]["mean"].get<double>() == Approx(100));
  CHECK(json["only_in_base"][0] == "core/gone");
  CHECK(json["regression"] == false);
  const auto gh = to_custom_smaller_is_better(now);
  REQUIRE(gh.size() == 1);
  CHECK(gh[0]["name"] == "core/a");
  CHECK(gh[0]["unit"] == "ns");
  CHECK(gh[0]["value"].get<double>() == Approx(100));
  const std::string md = comparison_markdown(c, t);
  CHECK_THAT(
      md, Catch::Contains("| `core/a` | 100 ns ± 4.97 ns | 100 ns ± 4.97 ns | +0.0% | +0.0% | 1 (approx.) | stable |"));
  CHECK_THAT(md, Catch::Contains("Only in the baseline (not compared)** (1)"));
}

TEST_CASE("report groups by category with fastest and slowest", "[report][golden]") {
  ResultSet set;
  set.commit = "cccc";
  set.date = "2026-11-22T10:00:00Z";
  set.add({.name = "mem/tlb/hit", .samples = {10, 11, 12}});
  set.add({.name = "mem/tlb/miss", .samples = {80, 81, 82}});
  set.add({.name = "engine/interp/alu_loop", .samples = {5000, 5100, 4900}});
  set.add({.name = "core/perf/record", .samples = {3, 3, 3}});
  ResultSet base = set;
  base.benchmarks[1].samples = {40, 41, 42};
  check_golden("report.md", report_markdown(set, &base, Thresholds{}));
}
