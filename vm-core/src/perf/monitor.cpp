#include "vm/core/perf/monitor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>

namespace vm::core::perf {
namespace {

constexpr std::uint64_t kNoLimit = std::numeric_limits<std::uint64_t>::max();
constexpr std::size_t kMaxRingCapacity = std::size_t{1} << 24;

std::atomic<std::uint64_t> g_next_serial{1};  // monitor identities, never reused

// Per thread: the last monitor it recorded into, so thread_recorder() skips
// the lock after the first call. Serials (not addresses) identify monitors,
// so a new monitor at a freed one's address cannot hit a stale entry.
struct ThreadCache {
  std::uint64_t serial = 0;
  Recorder* recorder = nullptr;
};
thread_local ThreadCache t_cache;

double seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

vm::Result<std::unique_ptr<Monitor>> Monitor::create(MonitorOptions options) {
  if (options.sample_every && (options.ring_capacity < 2 || options.ring_capacity > kMaxRingCapacity))
    return vm::make_error(
        vm::ErrorCode::kInvalidArgument,
        fmt::format("perf monitor: ring capacity {} is outside 2..{}", options.ring_capacity, kMaxRingCapacity));
  if (options.alert_log_interval_s < 0)
    return vm::make_error(vm::ErrorCode::kInvalidArgument, "perf monitor: alert_log_interval_s is negative");
  return std::unique_ptr<Monitor>(new Monitor(std::move(options)));
}

Monitor::Monitor(MonitorOptions options)
    : options_(std::move(options)),
      serial_(g_next_serial.fetch_add(1, std::memory_order_relaxed)),
      start_ticks_(read_ticks()),
      last_poll_ticks_(start_ticks_) {
  (void)clock_info();  // calibrate now, not inside the first reader call
  for (auto& limit : latency_limit_ticks_) limit.store(kNoLimit, std::memory_order_relaxed);
  for (EventId id = 0; id < kBuiltinEventCount; ++id) {
    names_[id] = std::string(builtin_event_name(id));
    kinds_[id] = builtin_event_kind(id);
  }
  for (auto& per_kind : last_alert_log_s_) per_kind = {-1e300, -1e300};
  if (!options_.log) options_.log = [](std::string_view line) { fmt::print(stderr, "{}\n", line); };
}

Monitor::~Monitor() = default;

Recorder& Monitor::thread_recorder() {
  if (t_cache.serial == serial_) return *t_cache.recorder;
  const std::lock_guard lock(mutex_);
  // A thread that alternates between monitors lands here again; a thread
  // id map would find its old recorder, but one recorder per visit is
  // simpler and merges the same way.
  recorders_.push_back(std::make_unique<Recorder>(*this, static_cast<std::uint32_t>(recorders_.size()),
                                                  options_.sample_every, options_.ring_capacity));
  t_cache = {serial_, recorders_.back().get()};
  return *recorders_.back();
}

vm::Result<EventId> Monitor::register_event(std::string_view name, EventKind kind) {
  const std::lock_guard lock(mutex_);
  const EventId n = event_count_.load(std::memory_order_relaxed);
  for (EventId id = 0; id < n; ++id)
    if (names_[id] == name)
      return vm::make_error(vm::ErrorCode::kInvalidArgument,
                            fmt::format("perf monitor: event '{}' is already registered", name));
  if (name.empty()) return vm::make_error(vm::ErrorCode::kInvalidArgument, "perf monitor: empty event name");
  if (n >= kMaxEvents)
    return vm::make_error(
        vm::ErrorCode::kResourceExhausted,
        fmt::format("perf monitor: cannot register '{}': all {} event ids are in use", name, kMaxEvents));
  names_[n] = std::string(name);
  kinds_[n] = kind;
  event_count_.store(n + 1, std::memory_order_release);
  return n;
}

std::optional<EventId> Monitor::find_event(std::string_view name) const {
  const std::lock_guard lock(mutex_);
  for (EventId id = 0; id < event_count(); ++id)
    if (names_[id] == name) return id;
  return std::nullopt;
}

std::string Monitor::event_name(EventId id) const {
  const std::lock_guard lock(mutex_);
  return id < event_count() ? names_[id] : fmt::format("event_{}", id);
}

void Monitor::set_latency_threshold(EventId id, double ns) {
  if (id >= kMaxEvents) return;
  const double ticks = ns / clock_info().ns_per_tick;
  latency_limit_ticks_[id].store(ns <= 0 ? kNoLimit : static_cast<std::uint64_t>(ticks), std::memory_order_relaxed);
}

void Monitor::set_rate_threshold(EventId id, double per_second) {
  if (id >= kMaxEvents) return;
  const std::lock_guard lock(poll_mutex_);
  rate_limits_[id] = per_second;
}

Stats Monitor::snapshot() const {
  const ClockInfo& clock = clock_info();
  const double ns = clock.ns_per_tick;
  Stats stats;
  stats.clock_source = std::string(clock.source);
  stats.ns_per_tick = ns;
  stats.resolution_ns = clock.resolution_ns;
  stats.wall_ns = static_cast<double>(read_ticks() - start_ticks_) * ns;
  const std::lock_guard lock(mutex_);
  stats.threads = static_cast<std::uint32_t>(recorders_.size());
  for (const auto& r : recorders_) {
    stats.samples_taken += r->samples_taken();
    stats.sample_overruns += r->sample_overruns();
  }
  for (EventId id = 0; id < event_count(); ++id) {
    EventStats e;
    e.name = names_[id];
    e.kind = kinds_[id];
    LogLinearHistogram hist;
    std::uint64_t total = 0, min = kNoLimit, max = 0, last = 0;
    for (const auto& r : recorders_) {
      const Recorder::View v = r->view(id);
      e.count += v.count;
      total += v.total;
      if (v.count && v.min < min) min = v.min;
      if (v.max > max) max = v.max;
      if (v.last > last) last = v.last;
      if (e.kind == EventKind::kTimed) r->add_histogram_to(id, hist);
    }
    if (last > start_ticks_) e.last_ns = static_cast<double>(last - start_ticks_) * ns;
    if (e.count && e.kind == EventKind::kTimed) {
      e.total_ns = static_cast<double>(total) * ns;
      e.min_ns = static_cast<double>(min) * ns;
      e.max_ns = static_cast<double>(max) * ns;
      e.mean_ns = e.total_ns / static_cast<double>(e.count);
      // A bucket's midpoint can lie past the extreme values actually seen.
      auto pct = [&](double p) { return static_cast<double>(std::clamp(hist.percentile(p), min, max)) * ns; };
      e.p50_ns = pct(50);
      e.p90_ns = pct(90);
      e.p99_ns = pct(99);
    }
    if (stats.wall_ns > 0) e.rate_per_s = static_cast<double>(e.count) / (stats.wall_ns * 1e-9);
    stats.events.push_back(std::move(e));
  }
  return stats;
}

std::size_t Monitor::drain_samples(std::vector<Sample>& out) {
  const std::lock_guard drain_lock(drain_mutex_);
  std::vector<Recorder*> recorders;
  {
    const std::lock_guard lock(mutex_);
    for (const auto& r : recorders_) recorders.push_back(r.get());
  }
  std::size_t n = 0;
  for (Recorder* r : recorders) n += r->drain([&out](const Sample& s) { out.push_back(s); });
  return n;
}

void Monitor::poll(std::vector<RatePoint>* out) {
  const Stats stats = snapshot();
  const Ticks now = read_ticks();
  std::vector<Alert> alerts;
  {
    const std::lock_guard lock(poll_mutex_);
    const double seconds = static_cast<double>(now - last_poll_ticks_) * clock_info().ns_per_tick * 1e-9;
    last_poll_ticks_ = now;
    if (seconds <= 0) return;
    for (EventId id = 0; id < stats.events.size(); ++id) {
      const std::uint64_t count = stats.events[id].count;
      const double rate = static_cast<double>(count - last_poll_counts_[id]) / seconds;
      last_poll_counts_[id] = count;
      if (out) out->push_back({.at = now, .event = id, .per_second = rate});
      if (rate_limits_[id] > 0 && rate > rate_limits_[id])
        alerts.push_back(
            {.kind = Alert::Kind::kRate, .event = id, .event_name = {}, .value = rate, .threshold = rate_limits_[id]});
    }
  }
  for (Alert& alert : alerts) {
    alert.event_name = stats.events[alert.event].name;
    raise(alert);
  }
}

void Monitor::report_latency(EventId id, Ticks duration) noexcept {
  const double ns = clock_info().ns_per_tick;
  raise({.kind = Alert::Kind::kLatency,
         .event = id,
         .event_name = event_name(id),
         .value = static_cast<double>(duration) * ns,
         .threshold = static_cast<double>(latency_limit_ticks_[id].load(std::memory_order_relaxed)) * ns});
}

void Monitor::raise(const Alert& alert) noexcept {
  const std::lock_guard lock(alert_mutex_);
  if (options_.on_alert) options_.on_alert(alert);
  const int kind = alert.kind == Alert::Kind::kLatency ? 0 : 1;
  const double now = seconds_now();
  double& last = last_alert_log_s_[alert.event][kind];
  std::uint64_t& suppressed = suppressed_alerts_[alert.event][kind];
  if (now - last < options_.alert_log_interval_s) {
    ++suppressed;
    return;
  }
  last = now;
  const std::string more = suppressed ? fmt::format(" ({} more since the last report)", suppressed) : "";
  suppressed = 0;
  if (alert.kind == Alert::Kind::kLatency)
    options_.log(fmt::format("vm perf: alert: {} took {:.0f} ns, over its {:.0f} ns threshold{}", alert.event_name,
                             alert.value, alert.threshold, more));
  else
    options_.log(fmt::format("vm perf: alert: {} rate {:.1f}/s is over its {:.1f}/s threshold{}", alert.event_name,
                             alert.value, alert.threshold, more));
}

}  // namespace vm::core::perf
