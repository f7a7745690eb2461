#include "vm/core/perf/stats_json.hpp"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace vm::core::perf {
namespace {

using nlohmann::json;

constexpr std::string_view kFormat = "vm-perf-stats";
constexpr int kVersion = 1;

// The per-event numeric fields, once, for writing and reading.
struct NumberField {
  const char* key;
  double EventStats::*member;
};
constexpr NumberField kEventNumbers[] = {
    {"total_ns", &EventStats::total_ns}, {"min_ns", &EventStats::min_ns},   {"max_ns", &EventStats::max_ns},
    {"mean_ns", &EventStats::mean_ns},   {"last_ns", &EventStats::last_ns}, {"p50_ns", &EventStats::p50_ns},
    {"p90_ns", &EventStats::p90_ns},     {"p99_ns", &EventStats::p99_ns},   {"rate_per_s", &EventStats::rate_per_s},
};

vm::Unexpected<vm::Error> bad(std::string_view source, std::string_view what) {
  return vm::make_error(vm::ErrorCode::kMalformed, fmt::format("{}: {}", source, what));
}

// Reads j[key] as T, or explains what is wrong with it.
template <typename T>
vm::Result<T> field(const json& j, const char* key, std::string_view source, std::string_view where) {
  const auto it = j.find(key);
  if (it == j.end()) return bad(source, fmt::format("{}: missing \"{}\"", where, key));
  if constexpr (std::is_same_v<T, std::string>) {
    if (!it->is_string()) return bad(source, fmt::format("{}: \"{}\" is not a string", where, key));
  } else {
    if (!it->is_number()) return bad(source, fmt::format("{}: \"{}\" is not a number", where, key));
    if (std::is_unsigned_v<T> && !it->is_number_unsigned())
      return bad(source, fmt::format("{}: \"{}\" is not a non-negative integer", where, key));
  }
  return it->get<T>();
}

vm::Result<EventStats> event_from_json(const json& j, std::string_view source, std::size_t index) {
  const std::string where = fmt::format("events[{}]", index);
  if (!j.is_object()) return bad(source, where + " is not an object");
  EventStats e;
  auto name = field<std::string>(j, "name", source, where);
  if (!name) return vm::make_error(name.error().code(), name.error().message());
  e.name = *name;
  auto kind = field<std::string>(j, "kind", source, where);
  if (!kind) return vm::make_error(kind.error().code(), kind.error().message());
  if (*kind != "timed" && *kind != "instant")
    return bad(source, fmt::format("{}: \"kind\" is \"{}\" (expected timed or instant)", where, *kind));
  e.kind = *kind == "timed" ? EventKind::kTimed : EventKind::kInstant;
  auto count = field<std::uint64_t>(j, "count", source, where);
  if (!count) return vm::make_error(count.error().code(), count.error().message());
  e.count = *count;
  for (const NumberField& f : kEventNumbers) {
    auto v = field<double>(j, f.key, source, where);
    if (!v) return vm::make_error(v.error().code(), v.error().message());
    e.*f.member = *v;
  }
  return e;
}

}  // namespace

std::string stats_to_json(const Stats& stats) {
  json events = json::array();
  for (const EventStats& e : stats.events) {
    json j = {{"name", e.name}, {"kind", e.kind == EventKind::kTimed ? "timed" : "instant"}, {"count", e.count}};
    for (const NumberField& f : kEventNumbers) j[f.key] = e.*f.member;
    events.push_back(std::move(j));
  }
  const json root = {
      {"format", kFormat},
      {"version", kVersion},
      {"clock",
       {{"source", stats.clock_source}, {"ns_per_tick", stats.ns_per_tick}, {"resolution_ns", stats.resolution_ns}}},
      {"wall_ns", stats.wall_ns},
      {"threads", stats.threads},
      {"samples", {{"taken", stats.samples_taken}, {"overruns", stats.sample_overruns}}},
      {"events", std::move(events)},
  };
  return root.dump(2) + "\n";
}

vm::Result<Stats> stats_from_json(std::string_view text, std::string_view source) {
  const json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return bad(source, "not valid JSON");
  if (!root.is_object() || root.value("format", "") != kFormat)
    return bad(source, fmt::format("not a vm perf stats file (\"format\" is not \"{}\")", kFormat));
  if (root.value("version", 0) != kVersion)
    return bad(source, fmt::format("unsupported \"version\" (expected {})", kVersion));
  Stats stats;
  const auto clock = root.find("clock");
  if (clock == root.end() || !clock->is_object()) return bad(source, "missing \"clock\" object");
  auto clock_source = field<std::string>(*clock, "source", source, "clock");
  auto ns_per_tick = field<double>(*clock, "ns_per_tick", source, "clock");
  auto resolution = field<double>(*clock, "resolution_ns", source, "clock");
  auto wall = field<double>(root, "wall_ns", source, "top level");
  auto threads = field<std::uint32_t>(root, "threads", source, "top level");
  for (const vm::Error* e : {clock_source ? nullptr : &clock_source.error(),
                             ns_per_tick ? nullptr : &ns_per_tick.error(), resolution ? nullptr : &resolution.error(),
                             wall ? nullptr : &wall.error(), threads ? nullptr : &threads.error()})
    if (e) return vm::make_error(e->code(), e->message());
  stats.clock_source = *clock_source;
  stats.ns_per_tick = *ns_per_tick;
  stats.resolution_ns = *resolution;
  stats.wall_ns = *wall;
  stats.threads = *threads;
  const auto samples = root.find("samples");
  if (samples == root.end() || !samples->is_object()) return bad(source, "missing \"samples\" object");
  auto taken = field<std::uint64_t>(*samples, "taken", source, "samples");
  auto overruns = field<std::uint64_t>(*samples, "overruns", source, "samples");
  if (!taken) return vm::make_error(taken.error().code(), taken.error().message());
  if (!overruns) return vm::make_error(overruns.error().code(), overruns.error().message());
  stats.samples_taken = *taken;
  stats.sample_overruns = *overruns;
  const auto events = root.find("events");
  if (events == root.end() || !events->is_array()) return bad(source, "missing \"events\" array");
  for (std::size_t i = 0; i < events->size(); ++i) {
    auto e = event_from_json((*events)[i], source, i);
    if (!e) return vm::make_error(e.error().code(), e.error().message());
    stats.events.push_back(std::move(*e));
  }
  return stats;
}

vm::Result<void> save_stats(const Stats& stats, const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return vm::make_error(vm::ErrorCode::kIoError, fmt::format("{}: cannot open for writing", path));
  out << stats_to_json(stats);
  if (!out.flush()) return vm::make_error(vm::ErrorCode::kIoError, fmt::format("{}: write failed", path));
  return {};
}

vm::Result<Stats> load_stats(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return vm::make_error(vm::ErrorCode::kNotFound, fmt::format("{}: cannot open perf stats file", path));
  std::ostringstream text;
  text << in.rdbuf();
  return stats_from_json(text.str(), path);
}

}  // namespace vm::core::perf
