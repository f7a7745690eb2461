#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "vm/core/perf/baseline.hpp"
#include "vm/core/perf/chrome_trace.hpp"
#include "vm/core/perf/stats_json.hpp"

using namespace vm::core::perf;

namespace {

EventStats timed(std::string name, std::uint64_t count, double mean) {
  EventStats e;
  e.name = std::move(name);
  e.count = count;
  e.mean_ns = mean;
  e.total_ns = mean * static_cast<double>(count);
  e.min_ns = mean / 2;
  e.max_ns = mean * 3;
  e.p50_ns = mean;
  e.p90_ns = mean * 1.5;
  e.p99_ns = mean * 2.5;
  e.last_ns = 123456.5;
  e.rate_per_s = 42.25;
  return e;
}

Stats sample_stats() {
  Stats s;
  s.clock_source = "tsc";
  s.ns_per_tick = 0.3125;
  s.resolution_ns = 12.5;
  s.wall_ns = 2.5e9;
  s.threads = 3;
  s.samples_taken = 77;
  s.sample_overruns = 5;
  s.events = {timed("syscall", 100, 800), timed("block_translated", 5000, 2000), timed("trap", 3, 10000)};
  EventStats tlb;
  tlb.name = "tlb_miss";
  tlb.kind = EventKind::kInstant;
  tlb.count = 1000;
  s.events.push_back(tlb);
  return s;
}

}  // namespace

TEST_CASE("stats JSON round-trips every field", "[perf][json]") {
  const Stats s = sample_stats();
  auto back = stats_from_json(stats_to_json(s), "mem");
  REQUIRE(back);
  CHECK(back->clock_source == s.clock_source);
  CHECK(back->ns_per_tick == s.ns_per_tick);
  CHECK(back->resolution_ns == s.resolution_ns);
  CHECK(back->wall_ns == s.wall_ns);
  CHECK(back->threads == s.threads);
  CHECK(back->samples_taken == s.samples_taken);
  CHECK(back->sample_overruns == s.sample_overruns);
  REQUIRE(back->events.size() == s.events.size());
  for (std::size_t i = 0; i < s.events.size(); ++i) {
    const EventStats &a = s.events[i], &b = back->events[i];
    CHECK(a.name == b.name);
    CHECK(a.kind == b.kind);
    CHECK(a.count == b.count);
    CHECK(a.total_ns == b.total_ns);
    CHECK(a.min_ns == b.min_ns);
    CHECK(a.max_ns == b.max_ns);
    CHECK(a.mean_ns == b.mean_ns);
    CHECK(a.last_ns == b.last_ns);
    CHECK(a.p50_ns == b.p50_ns);
    CHECK(a.p90_ns == b.p90_ns);
    CHECK(a.p99_ns == b.p99_ns);
    CHECK(a.rate_per_s == b.rate_per_s);
  }
}

TEST_CASE("malformed stats JSON names the source and the field", "[perf][json]") {
  auto not_json = stats_from_json("{", "a.json");
  REQUIRE_FALSE(not_json);
  CHECK(not_json.error().message().find("a.json") != std::string::npos);
  auto wrong_format = stats_from_json(R"({"format":"other"})", "b.json");
  REQUIRE_FALSE(wrong_format);
  CHECK(wrong_format.error().message().find("format") != std::string::npos);
  auto j = nlohmann::json::parse(stats_to_json(sample_stats()));
  j["events"][1]["count"] = "many";
  auto bad_count = stats_from_json(j.dump(), "c.json");
  REQUIRE_FALSE(bad_count);
  CHECK(bad_count.error().message() == "c.json: events[1]: \"count\" is not a number");
  j["events"][1]["count"] = -3;
  auto negative = stats_from_json(j.dump(), "c.json");
  REQUIRE_FALSE(negative);
  CHECK(negative.error().message() == "c.json: events[1]: \"count\" is not a non-negative integer");
  CHECK(load_stats("/nonexistent/x.json").error().code() == vm::ErrorCode::kNotFound);
}

TEST_CASE("baseline check names the events that regressed and by how much", "[perf][baseline]") {
  const Stats base = sample_stats();
  Stats now = base;
  now.events[0].mean_ns = 800 * 1.25;   // syscall +25%
  now.events[1].mean_ns = 2000 * 1.19;  // block_translated +19%: under 20%
  now.events[2].mean_ns = 10000 * 0.5;  // trap: improved
  now.events[3].count = 1300;           // tlb_miss +30% (instant: by count)
  const CheckReport report = check_against_baseline(base, now, CheckOptions{});
  REQUIRE(report.events.size() == 4);
  CHECK(report.regressed());
  CHECK(report.events[0].verdict == EventCheck::Verdict::kRegressed);
  CHECK(report.events[0].change_pct == Approx(25));
  CHECK(report.events[1].verdict == EventCheck::Verdict::kOk);
  CHECK(report.events[2].verdict == EventCheck::Verdict::kImproved);
  CHECK(report.events[3].verdict == EventCheck::Verdict::kRegressed);
  CHECK(report.events[3].change_pct == Approx(30));
  const std::string text = format_check_report(report, Metric::kMean);
  CHECK(text.find("syscall") != std::string::npos);
  CHECK(text.find("REGRESSED +25.0% (limit 20%)") != std::string::npos);
  CHECK(text.find("2 event(s) regressed") != std::string::npos);

  SECTION("per-event thresholds override the default") {
    CheckOptions options;
    options.per_event_pct = {{"syscall", 30}, {"tlb_miss", 50}};
    const CheckReport relaxed = check_against_baseline(base, now, options);
    CHECK_FALSE(relaxed.regressed());
  }
  SECTION("an event missing from the new run is listed, not a regression") {
    Stats partial = base;
    partial.events.erase(partial.events.begin());
    const CheckReport r = check_against_baseline(base, partial);
    CHECK(r.events[0].verdict == EventCheck::Verdict::kMissing);
    CHECK_FALSE(r.regressed());
  }
  SECTION("self-compare passes") { CHECK_FALSE(check_against_baseline(base, base).regressed()); }
}

TEST_CASE("Chrome trace has complete events, counters and thread names", "[perf][trace]") {
  TraceInput in;
  in.event_names = {"block_translated", "region_compiled", "tlb_miss"};
  in.start_ticks = 1000;
  in.ns_per_tick = 0.5;
  in.samples = {{.event = 0, .thread = 1, .start = 5000, .duration = 400, .payload = {0x10000, 7}},
                {.event = 2, .thread = 0, .start = 3000, .duration = 0, .payload = {1, 2}}};
  in.rates = {{.at = 21000, .event = 0, .per_second = 1500.0}};
  const auto j = nlohmann::json::parse(chrome_trace_json(in));
  REQUIRE(j["traceEvents"].is_array());
  const auto& ev = j["traceEvents"];
  // Samples come out in time order.
  CHECK(ev[0]["name"] == "tlb_miss");
  CHECK(ev[0]["ph"] == "i");
  const auto& x = ev[1];
  CHECK(x["name"] == "block_translated");
  CHECK(x["ph"] == "X");
  CHECK(x["ts"].get<double>() == Approx(2.0));   // (5000-1000)*0.5 ns = 2 us
  CHECK(x["dur"].get<double>() == Approx(0.2));  // 400*0.5 ns
  CHECK(x["tid"] == 1);
  CHECK(x["pid"] == 1);
  CHECK(x["args"]["a"] == 0x10000);
  const auto& c = ev[2];
  CHECK(c["ph"] == "C");
  CHECK(c["name"] == "block_translated rate");
  CHECK(c["ts"].get<double>() == Approx(10.0));
  CHECK(c["args"]["per_s"] == 1500.0);
  int thread_names = 0;
  for (const auto& e : ev)
    if (e["ph"] == "M" && e["name"] == "thread_name") ++thread_names;
  CHECK(thread_names == 2);
}

TEST_CASE("Chrome trace leaves out counter tracks of events that never happened", "[perf][trace]") {
  TraceInput in;
  in.event_names = {"block_translated", "syscall"};
  in.rates = {{.at = 10, .event = 0, .per_second = 0},
              {.at = 10, .event = 1, .per_second = 0},
              {.at = 20, .event = 0, .per_second = 0},
              {.at = 20, .event = 1, .per_second = 3}};
  const auto j = nlohmann::json::parse(chrome_trace_json(in));
  int counters = 0;
  for (const auto& e : j["traceEvents"]) {
    if (e["ph"] != "C") continue;
    ++counters;
    CHECK(e["name"] == "syscall rate");
  }
  CHECK(counters == 2);
}
