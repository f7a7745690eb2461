// One recording thread's view of a Monitor: plain single-writer counters that
// the hot path bumps without locks or atomic read-modify-writes, which a
// reader on another thread merges.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>

#include "vm/core/export.hpp"
#include "vm/core/perf/clock.hpp"
#include "vm/core/perf/event.hpp"
#include "vm/core/perf/histogram.hpp"

namespace vm::core::perf {

class Monitor;
class SampleRing;  // private: a boost::lockfree::spsc_queue<Sample>

// One sampled occurrence (1 in N recorded events).
struct Sample {
  EventId event = 0;
  std::uint32_t thread = 0;  // the recorder's index in its monitor
  Ticks start = 0;           // read_ticks() when the event began
  Ticks duration = 0;        // 0 for instant events
  std::uint64_t payload[2] = {0, 0};
};

// Concurrency choice: each Recorder has exactly one writer (its thread).
// Every counter is a std::atomic written with relaxed load + relaxed store,
// never a read-modify-write: on x86-64 and AArch64 that compiles to the same
// plain loads and stores as a non-atomic counter (no lock prefix, no
// fence), yet a reader on another thread may load it (relaxed) without a
// data race. A reader can see a snapshot that is a few events stale or in
// which count and total disagree by the events in flight; each word is
// always whole. Stats are statistics, so this is the right trade.
class VM_CORE_API Recorder {
 public:
  Recorder(Monitor& monitor, std::uint32_t index, std::uint64_t sample_every, std::size_t ring_capacity);
  ~Recorder();
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  // A timed event that began at `start` and lasted `duration` ticks.
  void record(EventId id, Ticks start, Ticks duration, std::uint64_t a = 0, std::uint64_t b = 0) noexcept {
    Counters& c = events_[id];
    bump(c.count, 1);
    bump(c.total, duration);
    if (duration < c.min.load(std::memory_order_relaxed)) c.min.store(duration, std::memory_order_relaxed);
    if (duration > c.max.load(std::memory_order_relaxed)) c.max.store(duration, std::memory_order_relaxed);
    c.last.store(start + duration, std::memory_order_relaxed);
    bump(c.histogram[histogram::bucket_of(duration)], 1);
    if (duration > latency_limits_[id].load(std::memory_order_relaxed)) [[unlikely]]
      latency_exceeded(id, duration);
    if (--sample_countdown_ == 0) [[unlikely]]
      take_sample(id, start, duration, a, b);
  }
  void record(Event e, Ticks start, Ticks duration, std::uint64_t a = 0, std::uint64_t b = 0) noexcept {
    record(id_of(e), start, duration, a, b);
  }

  // An event without a duration (counted, timestamped, sampled).
  void count(EventId id, std::uint64_t a = 0, std::uint64_t b = 0) noexcept {
    Counters& c = events_[id];
    bump(c.count, 1);
    const Ticks now = read_ticks();
    c.last.store(now, std::memory_order_relaxed);
    if (--sample_countdown_ == 0) [[unlikely]]
      take_sample(id, now, 0, a, b);
  }
  void count(Event e, std::uint64_t a = 0, std::uint64_t b = 0) noexcept { count(id_of(e), a, b); }

  std::uint32_t index() const noexcept { return index_; }

  // --- reader side (any thread) ---
  struct View {
    std::uint64_t count = 0, total = 0, min = 0, max = 0, last = 0;
  };
  View view(EventId id) const noexcept;
  void add_histogram_to(EventId id, LogLinearHistogram& out) const noexcept;
  std::uint64_t samples_taken() const noexcept { return samples_taken_.load(std::memory_order_relaxed); }
  std::uint64_t sample_overruns() const noexcept { return overruns_.load(std::memory_order_relaxed); }
  // Moves queued samples into `sink`; one consumer at a time (the Monitor
  // serialises callers).
  template <typename Sink>
  std::size_t drain(Sink&& sink);

 private:
  struct Counters {
    std::atomic<std::uint64_t> count{0}, total{0}, min{~std::uint64_t{0}}, max{0}, last{0};
    std::array<std::atomic<std::uint64_t>, histogram::kBuckets> histogram{};
  };
  static void bump(std::atomic<std::uint64_t>& c, std::uint64_t n) noexcept {
    c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  void latency_exceeded(EventId id, Ticks duration) noexcept;
  void take_sample(EventId id, Ticks start, Ticks duration, std::uint64_t a, std::uint64_t b) noexcept;
  bool pop_sample(Sample& out) noexcept;

  Monitor& monitor_;
  const std::atomic<std::uint64_t>* latency_limits_;  // the monitor's, in ticks
  std::uint32_t index_;
  std::uint64_t sample_every_;      // 0 = off
  std::uint64_t sample_countdown_;  // writer-only
  std::unique_ptr<SampleRing> ring_;
  std::atomic<std::uint64_t> samples_taken_{0}, overruns_{0};
  std::unique_ptr<Counters[]> events_;
};

template <typename Sink>
std::size_t Recorder::drain(Sink&& sink) {
  std::size_t n = 0;
  Sample s;
  while (pop_sample(s)) {
    sink(s);
    ++n;
  }
  return n;
}

// Times a scope into a recorder; a null recorder (monitoring off) costs one
// predictable branch at each end.
class ScopedEvent {
 public:
  ScopedEvent(Recorder* recorder, Event event, std::uint64_t a = 0, std::uint64_t b = 0) noexcept
      : recorder_(recorder), event_(id_of(event)), a_(a), b_(b), start_(recorder ? read_ticks() : 0) {}
  ScopedEvent(Recorder* recorder, EventId event, std::uint64_t a = 0, std::uint64_t b = 0) noexcept
      : recorder_(recorder), event_(event), a_(a), b_(b), start_(recorder ? read_ticks() : 0) {}
  ~ScopedEvent() {
    if (recorder_) recorder_->record(event_, start_, read_ticks() - start_, a_, b_);
  }
  void set_payload(std::uint64_t a, std::uint64_t b) noexcept {
    a_ = a;
    b_ = b;
  }
  ScopedEvent(const ScopedEvent&) = delete;
  ScopedEvent& operator=(const ScopedEvent&) = delete;

 private:
  Recorder* recorder_;
  EventId event_;
  std::uint64_t a_, b_;
  Ticks start_;
};

}  // namespace vm::core::perf
