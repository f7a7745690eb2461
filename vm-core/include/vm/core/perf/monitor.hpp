// The runtime performance monitor: owns one Recorder per recording thread,
// merges them into Stats, collects sampled events, and raises threshold alerts.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vm/core/export.hpp"
#include "vm/core/perf/clock.hpp"
#include "vm/core/perf/event.hpp"
#include "vm/core/perf/recorder.hpp"
#include "vm/core/perf/stats.hpp"
#include "vm/core/result.hpp"

namespace vm::core::perf {

struct Alert {
  enum class Kind { kLatency, kRate };
  Kind kind = Kind::kLatency;
  EventId event = 0;
  std::string event_name;
  double value = 0;      // ns for latency, events/s for rate
  double threshold = 0;  // same unit
};

struct MonitorOptions {
  std::uint64_t sample_every = 0;     // 1-in-N sampling; 0 = off
  std::size_t ring_capacity = 65536;  // samples per recording thread, 2..1<<24
  // Called for every threshold crossing, on the thread that detected it
  // (the recording thread for latency, the poll() caller for rates);
  // serialised by the monitor.
  std::function<void(const Alert&)> on_alert;
  // Receives the rate-limited log line (default: stderr).
  std::function<void(std::string_view)> log;
  double alert_log_interval_s = 1.0;  // at most one log line per event and kind per interval
};

// A rate measured by poll() over the interval that ends at `at`.
struct RatePoint {
  Ticks at = 0;
  EventId event = 0;
  double per_second = 0;
};

class VM_CORE_API Monitor {
 public:
  static vm::Result<std::unique_ptr<Monitor>> create(MonitorOptions options = {});
  ~Monitor();
  Monitor(const Monitor&) = delete;
  Monitor& operator=(const Monitor&) = delete;

  // The calling thread's recorder, registered on first use (takes a lock
  // once per thread). Hot code asks once and keeps the reference; it stays
  // valid until the monitor is destroyed.
  Recorder& thread_recorder();

  // An embedder event with its own id (kBuiltinEventCount and up).
  vm::Result<EventId> register_event(std::string_view name, EventKind kind);
  std::optional<EventId> find_event(std::string_view name) const;
  std::string event_name(EventId id) const;
  EventId event_count() const noexcept { return event_count_.load(std::memory_order_acquire); }

  // Thresholds (0 = none). Latency is checked as each event is recorded;
  // rates are checked by poll().
  void set_latency_threshold(EventId id, double ns);
  void set_rate_threshold(EventId id, double per_second);

  // Merges every recorder; safe while recording goes on.
  Stats snapshot() const;

  // Moves every queued sample into `out`, in no particular order.
  std::size_t drain_samples(std::vector<Sample>& out);

  // Rates of every event since the previous poll (or creation): appended
  // to `out` when given, and checked against the rate thresholds.
  void poll(std::vector<RatePoint>* out = nullptr);

  Ticks start_ticks() const noexcept { return start_ticks_; }
  const MonitorOptions& options() const noexcept { return options_; }

  // Called by Recorder when a duration crosses its event's latency limit.
  void report_latency(EventId id, Ticks duration) noexcept;

 private:
  explicit Monitor(MonitorOptions options);
  friend class Recorder;
  void raise(const Alert& alert) noexcept;

  MonitorOptions options_;
  std::uint64_t serial_;  // distinguishes monitors in the per-thread cache
  Ticks start_ticks_;
  std::array<std::atomic<std::uint64_t>, kMaxEvents> latency_limit_ticks_;
  std::array<double, kMaxEvents> rate_limits_{};

  mutable std::mutex mutex_;  // recorders_, names_, registration
  std::vector<std::unique_ptr<Recorder>> recorders_;
  std::array<std::string, kMaxEvents> names_;
  std::array<EventKind, kMaxEvents> kinds_{};
  std::atomic<EventId> event_count_{kBuiltinEventCount};

  std::mutex drain_mutex_;  // one sample consumer at a time
  std::mutex poll_mutex_;
  Ticks last_poll_ticks_;
  std::array<std::uint64_t, kMaxEvents> last_poll_counts_{};

  std::mutex alert_mutex_;
  std::array<std::array<double, 2>, kMaxEvents> last_alert_log_s_{};
  std::array<std::array<std::uint64_t, 2>, kMaxEvents> suppressed_alerts_{};
};

}  // namespace vm::core::perf
