#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "baseline_json.hpp"
#include "readers.hpp"

using namespace vm::bench;

namespace {

constexpr const char* kGoogleBenchmark = R"({
  "context": {"date": "2026-11-23T10:00:00+00:00", "num_cpus": 2},
  "benchmarks": [
    {"name": "mem/tlb/hit", "run_name": "mem/tlb/hit", "run_type": "iteration", "repetitions": 2,
     "repetition_index": 0, "iterations": 100, "real_time": 11.0, "cpu_time": 10.0, "time_unit": "ns"},
    {"name": "mem/tlb/hit", "run_name": "mem/tlb/hit", "run_type": "iteration", "repetitions": 2,
     "repetition_index": 1, "iterations": 100, "real_time": 13.0, "cpu_time": 12.0, "time_unit": "ns"},
    {"name": "mem/tlb/hit_mean", "run_name": "mem/tlb/hit", "run_type": "aggregate", "aggregate_name": "mean",
     "real_time": 12.0, "cpu_time": 11.0, "time_unit": "ns"},
    {"name": "engine/interp/loop", "run_name": "engine/interp/loop", "run_type": "iteration",
     "real_time": 2.5, "cpu_time": 2.0, "time_unit": "us", "label": "tight loop"}
  ]
})";

}  // namespace

TEST_CASE("Google Benchmark JSON: repetitions kept, aggregates ignored, units normalised", "[readers]") {
  auto set = parse_results(kGoogleBenchmark, "gb.json");
  REQUIRE(set);
  REQUIRE(set->benchmarks.size() == 2);
  CHECK(set->date == "2026-11-23T10:00:00+00:00");
  CHECK(set->benchmarks[0].name == "mem/tlb/hit");
  CHECK(set->benchmarks[0].samples == std::vector<double>{10, 12});
  CHECK(set->benchmarks[1].samples == std::vector<double>{2000});
  CHECK(set->benchmarks[1].description == "tight loop");
  auto real = parse_results(kGoogleBenchmark, "gb.json", {.time = TimeKind::kReal});
  REQUIRE(real);
  CHECK(real->benchmarks[0].samples == std::vector<double>{11, 13});
}

TEST_CASE("hyperfine JSON: times in seconds become nanoseconds", "[readers]") {
  const char* doc = R"({"results": [{"command": "vm run hello", "mean": 0.02, "times": [0.01, 0.03]}]})";
  auto set = parse_results(doc, "hf.json");
  REQUIRE(set);
  REQUIRE(set->benchmarks.size() == 1);
  CHECK(set->benchmarks[0].name == "vm run hello");
  CHECK(set->benchmarks[0].samples == std::vector<double>{1e7, 3e7});
}

TEST_CASE("malformed JSON is reported with file, line and column", "[readers][errors]") {
  auto set = parse_results("{\n  \"benchmarks\": [\n    {\"name\": }\n]}", "broken.json");
  REQUIRE_FALSE(set);
  CHECK_THAT(set.error().message(), Catch::StartsWith("broken.json:3:14: malformed JSON"));
}

TEST_CASE("bad results files are named in the error", "[readers][errors]") {
  auto missing = read_results({"/nonexistent/results.json"});
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error().message(), Catch::StartsWith("/nonexistent/results.json: cannot open"));

  auto unknown = parse_results(R"({"hello": 1})", "odd.json");
  REQUIRE_FALSE(unknown);
  CHECK_THAT(unknown.error().message(), Catch::Contains("odd.json: not a Google Benchmark"));

  auto aggregates_only = parse_results(
      R"({"benchmarks": [{"name": "a_mean", "run_name": "a", "run_type": "aggregate", "cpu_time": 1, "time_unit": "ns"}]})",
      "agg.json");
  REQUIRE_FALSE(aggregates_only);
  CHECK_THAT(aggregates_only.error().message(), Catch::Contains("--benchmark_report_aggregates_only=false"));

  auto wrong_type = parse_results(R"({"benchmarks": [{"name": "a", "cpu_time": "fast"}]})", "type.json");
  REQUIRE_FALSE(wrong_type);
  CHECK_THAT(wrong_type.error().message(), Catch::Contains("type.json: benchmarks[0] (a) has no cpu_time"));

  // A benchmark that reported an error is skipped, but recorded so that the
  // commands can say so (never silently dropped).
  auto errored = parse_results(
      R"({"benchmarks": [{"name": "a", "error_occurred": true, "error_message": "boom"},
                         {"name": "b", "cpu_time": 3, "time_unit": "ns"}]})",
      "err.json");
  REQUIRE(errored);
  REQUIRE(errored->benchmarks.size() == 1);
  CHECK(errored->skipped == std::vector<std::string>{"err.json: a: benchmark reported an error: boom"});
}

TEST_CASE("baseline JSON round-trips through text", "[readers][baseline]") {
  ResultSet set;
  set.date = "2026-11-23T12:00:00Z";
  set.commit = "abc123";
  set.add({.name = "core/perf/record", .unit = "ns", .description = "one event", .samples = {1.5, 2.25, 3}});
  set.add({.name = "mem/bus/read", .unit = "ns", .description = "", .samples = {100}});
  const nlohmann::json doc = baseline_to_json("before", set);
  CHECK(doc["benchmarks"][0]["value"].get<double>() == Approx(2.25));
  CHECK(doc["benchmarks"][0]["commit"] == "abc123");
  CHECK(doc["benchmarks"][0]["date"] == "2026-11-23T12:00:00Z");
  auto back = parse_results(doc.dump(2), "before.json");
  REQUIRE(back);
  CHECK(back->date == set.date);
  CHECK(back->commit == set.commit);
  REQUIRE(back->benchmarks.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(back->benchmarks[i].name == set.benchmarks[i].name);
    CHECK(back->benchmarks[i].description == set.benchmarks[i].description);
    CHECK(back->benchmarks[i].samples == set.benchmarks[i].samples);
  }
  // And the re-serialised document is identical.
  CHECK(baseline_to_json("before", *back) == doc);
}

TEST_CASE("several files and directories merge repetitions by name", "[readers]") {
  const auto dir = std::filesystem::temp_directory_path() / "vm_bench_readers_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "a.json") << kGoogleBenchmark;
  std::ofstream(dir / "b.json") << kGoogleBenchmark;
  std::ofstream(dir / "notes.txt") << "ignored";
  auto set = read_results({dir.string()});
  REQUIRE(set);
  REQUIRE(set->benchmarks.size() == 2);
  CHECK(set->benchmarks[0].samples == std::vector<double>{10, 12, 10, 12});
  std::filesystem::remove_all(dir);
}

TEST_CASE("NaN and inf counters written by Google Benchmark are tolerated", "[readers]") {
  auto set = parse_results(R"({"benchmarks": [{"name": "mem/a", "cpu_time": 5, "time_unit": "ns",
      "walks": NaN, "rate": -inf, "label": "NaN in a string stays"}]})",
                           "nan.json");
  REQUIRE(set);
  REQUIRE(set->benchmarks.size() == 1);
  CHECK(set->benchmarks[0].samples == std::vector<double>{5});
  CHECK(set->benchmarks[0].description == "NaN in a string stays");
}
