#include "vm/core/perf/recorder.hpp"

#include <limits>

#include "sample_ring.hpp"
#include "vm/core/perf/monitor.hpp"

namespace vm::core::perf {

Recorder::Recorder(Monitor& monitor, std::uint32_t index, std::uint64_t sample_every, std::size_t ring_capacity)
    : monitor_(monitor),
      latency_limits_(monitor.latency_limit_ticks_.data()),
      index_(index),
      sample_every_(sample_every),
      // Sampling off: a countdown that cannot reach zero in practice keeps
      // the hot path to the same single decrement-and-branch.
      sample_countdown_(sample_every ? sample_every : std::numeric_limits<std::uint64_t>::max()),
      ring_(sample_every ? std::make_unique<SampleRing>(ring_capacity) : nullptr),
      events_(std::make_unique<Counters[]>(kMaxEvents)) {}

Recorder::~Recorder() = default;

void Recorder::latency_exceeded(EventId id, Ticks duration) noexcept { monitor_.report_latency(id, duration); }

void Recorder::take_sample(EventId id, Ticks start, Ticks duration, std::uint64_t a, std::uint64_t b) noexcept {
  if (!ring_) {
    sample_countdown_ = std::numeric_limits<std::uint64_t>::max();
    return;
  }
  sample_countdown_ = sample_every_;
  const Sample s{.event = id, .thread = index_, .start = start, .duration = duration, .payload = {a, b}};
  if (ring_->push(s)) {
    samples_taken_.store(samples_taken_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  } else {
    overruns_.store(overruns_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
}

bool Recorder::pop_sample(Sample& out) noexcept { return ring_ && ring_->pop(out); }

Recorder::View Recorder::view(EventId id) const noexcept {
  const Counters& c = events_[id];
  View v;
  v.count = c.count.load(std::memory_order_relaxed);
  v.total = c.total.load(std::memory_order_relaxed);
  v.min = c.min.load(std::memory_order_relaxed);
  v.max = c.max.load(std::memory_order_relaxed);
  v.last = c.last.load(std::memory_order_relaxed);
  return v;
}

void Recorder::add_histogram_to(EventId id, LogLinearHistogram& out) const noexcept {
  const Counters& c = events_[id];
  for (unsigned b = 0; b < histogram::kBuckets; ++b) {
    const std::uint64_t n = c.histogram[b].load(std::memory_order_relaxed);
    if (n) out.add_bucket(b, n);
  }
}

}  // namespace vm::core::perf
