// bench_vm_core: what the performance monitor costs per recorded event in each
// mode (off, stats only, sampling), and its building blocks.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "vm/core/perf/histogram.hpp"
#include "vm/core/perf/monitor.hpp"

namespace {

using namespace vm::core::perf;

std::unique_ptr<Monitor> make_monitor(std::uint64_t sample_every, std::size_t ring_capacity = 65536) {
  MonitorOptions options;
  options.sample_every = sample_every;
  options.ring_capacity = ring_capacity;
  return std::move(*Monitor::create(options));
}

// The engine's pattern: a ScopedEvent on a recorder pointer that is null
// when monitoring is off. The pointer is hidden from the optimiser so the
// branch stays.
void run_scoped_events(benchmark::State& state, Recorder* recorder, Monitor* monitor) {
  std::vector<Sample> drained;
  std::uint64_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(recorder);
    ScopedEvent timing(recorder, Event::kSyscall, i);
    benchmark::ClobberMemory();
    // Drain like the launcher's collector thread would, amortised.
    if (monitor && (++i & 0xfffff) == 0) {
      drained.clear();
      monitor->drain_samples(drained);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void record_disabled(benchmark::State& state) { run_scoped_events(state, nullptr, nullptr); }

void record_stats_only(benchmark::State& state) {
  auto monitor = make_monitor(0);
  run_scoped_events(state, &monitor->thread_recorder(), monitor.get());
}

void record_sampling_1000(benchmark::State& state) {
  auto monitor = make_monitor(1000);
  run_scoped_events(state, &monitor->thread_recorder(), monitor.get());
  state.counters["overruns"] = static_cast<double>(monitor->snapshot().sample_overruns);
}

// record() without the clock reads: the counters and histogram alone.
void record_counters_only(benchmark::State& state) {
  auto monitor = make_monitor(0);
  Recorder& r = monitor->thread_recorder();
  Ticks d = 0;
  for (auto _ : state) {
    r.record(Event::kSyscall, d, (d & 0x3ff) + 100);
    ++d;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void clock_read(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(read_ticks());
}

void histogram_insert(benchmark::State& state) {
  std::mt19937_64 rng(1);
  std::vector<std::uint64_t> values(4096);
  for (auto& v : values) v = rng() >> (rng() % 56);
  LogLinearHistogram h;
  std::size_t i = 0;
  for (auto _ : state) {
    h.record(values[i++ & 4095]);
  }
  benchmark::DoNotOptimize(h.count());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void histogram_percentile(benchmark::State& state) {
  std::mt19937_64 rng(1);
  LogLinearHistogram h;
  for (int i = 0; i < 100000; ++i) h.record(rng() >> (rng() % 56));
  for (auto _ : state) benchmark::DoNotOptimize(h.percentile(99));
}

// Every event sampled: the cost of one push into the lock-free ring, with a
// consumer draining it in bulk (as the collector thread does).
void ring_push(benchmark::State& state) {
  auto monitor = make_monitor(1, 1 << 16);
  Recorder& r = monitor->thread_recorder();
  std::vector<Sample> drained;
  drained.reserve(1 << 16);
  std::uint64_t i = 0;
  for (auto _ : state) {
    r.count(Event::kTlbMiss, i);
    if ((++i & 0x7fff) == 0) {
      drained.clear();
      monitor->drain_samples(drained);
    }
  }
  state.counters["overruns"] = static_cast<double>(monitor->snapshot().sample_overruns);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// A full ring: the overrun path (counted, never blocks).
void ring_push_full(benchmark::State& state) {
  auto monitor = make_monitor(1, 16);
  Recorder& r = monitor->thread_recorder();
  for (auto _ : state) r.count(Event::kTlbMiss);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void snapshot_merge(benchmark::State& state) {
  auto monitor = make_monitor(0);
  Recorder& r = monitor->thread_recorder();
  for (Ticks d = 0; d < 10000; ++d) r.record(Event::kSyscall, d, d);
  for (auto _ : state) benchmark::DoNotOptimize(monitor->snapshot());
}

}  // namespace

BENCHMARK(record_disabled)->Name("core/monitor/record_disabled");
BENCHMARK(record_stats_only)->Name("core/monitor/record_stats_only");
BENCHMARK(record_sampling_1000)->Name("core/monitor/record_sampling_1000");
BENCHMARK(record_counters_only)->Name("core/monitor/record_counters_only");
BENCHMARK(snapshot_merge)->Name("core/monitor/snapshot");
BENCHMARK(clock_read)->Name("core/clock/read_ticks");
BENCHMARK(histogram_insert)->Name("core/histogram/insert");
BENCHMARK(histogram_percentile)->Name("core/histogram/percentile_p99");
BENCHMARK(ring_push)->Name("core/ring/push");
BENCHMARK(ring_push_full)->Name("core/ring/push_overrun");

BENCHMARK_MAIN();
