#include "vm/core/perf/chrome_trace.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

namespace vm::core::perf {
namespace {

using nlohmann::json;
constexpr int kPid = 1;

std::string name_of(const TraceInput& in, EventId id) {
  return id < in.event_names.size() ? in.event_names[id] : fmt::format("event_{}", id);
}

// Trace timestamps are microseconds since the monitor started.
double micros(const TraceInput& in, Ticks t) {
  return t <= in.start_ticks ? 0.0 : static_cast<double>(t - in.start_ticks) * in.ns_per_tick / 1e3;
}

}  // namespace

TraceInput make_trace_input(const Monitor& monitor, std::vector<Sample> samples, std::vector<RatePoint> rates) {
  TraceInput in;
  in.samples = std::move(samples);
  in.rates = std::move(rates);
  for (EventId id = 0; id < monitor.event_count(); ++id) in.event_names.push_back(monitor.event_name(id));
  in.start_ticks = monitor.start_ticks();
  in.ns_per_tick = clock_info().ns_per_tick;
  return in;
}

std::string chrome_trace_json(const TraceInput& in) {
  json events = json::array();
  std::set<std::uint32_t> threads;
  std::vector<const Sample*> ordered;
  for (const Sample& s : in.samples) ordered.push_back(&s);
  std::sort(ordered.begin(), ordered.end(), [](const Sample* a, const Sample* b) { return a->start < b->start; });
  for (const Sample* s : ordered) {
    threads.insert(s->thread);
    json e = {{"name", name_of(in, s->event)},
              {"cat", "vm"},
              {"pid", kPid},
              {"tid", s->thread},
              {"ts", micros(in, s->start)},
              {"args", {{"a", s->payload[0]}, {"b", s->payload[1]}}}};
    if (s->duration) {
      e["ph"] = "X";
      e["dur"] = static_cast<double>(s->duration) * in.ns_per_tick / 1e3;
    } else {
      e["ph"] = "i";
      e["s"] = "t";
    }
    events.push_back(std::move(e));
  }
  // Events that never happened get no counter track (they would be flat zero).
  std::set<EventId> active;
  for (const RatePoint& r : in.rates)
    if (r.per_second > 0) active.insert(r.event);
  for (const RatePoint& r : in.rates) {
    if (!active.count(r.event)) continue;
    events.push_back({{"name", name_of(in, r.event) + " rate"},
                      {"cat", "vm"},
                      {"ph", "C"},
                      {"pid", kPid},
                      {"ts", micros(in, r.at)},
                      {"args", {{"per_s", r.per_second}}}});
  }
  events.push_back({{"name", "process_name"}, {"ph", "M"}, {"pid", kPid}, {"args", {{"name", "vm"}}}});
  for (std::uint32_t t : threads)
    events.push_back({{"name", "thread_name"},
                      {"ph", "M"},
                      {"pid", kPid},
                      {"tid", t},
                      {"args", {{"name", fmt::format("vm thread {}", t)}}}});
  const json root = {{"displayTimeUnit", "ns"}, {"traceEvents", std::move(events)}};
  return root.dump() + "\n";
}

vm::Result<void> save_chrome_trace(const TraceInput& input, const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return vm::make_error(vm::ErrorCode::kIoError, fmt::format("{}: cannot open for writing", path));
  out << chrome_trace_json(input);
  if (!out.flush()) return vm::make_error(vm::ErrorCode::kIoError, fmt::format("{}: write failed", path));
  return {};
}

}  // namespace vm::core::perf
