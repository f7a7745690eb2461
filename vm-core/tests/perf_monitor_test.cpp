#include <atomic>
#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

#include "vm/core/perf/monitor.hpp"
#include "vm/core/perf/thresholds.hpp"

using namespace vm::core::perf;

namespace {

std::unique_ptr<Monitor> make_monitor(MonitorOptions options = {}) {
  auto m = Monitor::create(std::move(options));
  REQUIRE(m);
  return std::move(*m);
}

const EventStats& event(const Stats& s, std::string_view name) {
  const EventStats* e = s.find(name);
  REQUIRE(e != nullptr);
  return *e;
}

}  // namespace

TEST_CASE("monitor merges per-thread counts, min, max and mean", "[perf][monitor]") {
  auto monitor = make_monitor();
  const double ns = clock_info().ns_per_tick;
  auto work = [&monitor](Ticks base) {
    Recorder& r = monitor->thread_recorder();
    for (Ticks d = 1; d <= 1000; ++d) r.record(Event::kSyscall, base + d, base + d);
    r.count(Event::kTlbMiss);
  };
  std::thread t1(work, 0), t2(work, 1000);
  t1.join();
  t2.join();
  const Stats s = monitor->snapshot();
  CHECK(s.threads == 2);
  const EventStats& sys = event(s, "syscall");
  CHECK(sys.count == 2000);
  CHECK(sys.min_ns == Approx(1 * ns));
  CHECK(sys.max_ns == Approx(2000 * ns));
  CHECK(sys.mean_ns == Approx(1000.5 * ns));
  CHECK(sys.p50_ns == Approx(1000 * ns).epsilon(histogram::kRelativeError));
  CHECK(sys.p99_ns == Approx(1980 * ns).epsilon(histogram::kRelativeError));
  CHECK(event(s, "tlb_miss").count == 2);
  CHECK(event(s, "tlb_miss").kind == EventKind::kInstant);
  CHECK(event(s, "page_walk").count == 0);
}

TEST_CASE("the same thread gets the same recorder; another monitor gets its own", "[perf][monitor]") {
  auto a = make_monitor();
  auto b = make_monitor();
  Recorder& ra = a->thread_recorder();
  CHECK(&a->thread_recorder() == &ra);
  Recorder& rb = b->thread_recorder();
  CHECK(&rb != &ra);
  rb.record(Event::kTrap, 0, 5);
  CHECK(event(a->snapshot(), "trap").count == 0);
  CHECK(event(b->snapshot(), "trap").count == 1);
}

TEST_CASE("embedders register their own events", "[perf][monitor]") {
  auto monitor = make_monitor();
  auto id = monitor->register_event("my_device_irq", EventKind::kTimed);
  REQUIRE(id);
  CHECK(*id == kBuiltinEventCount);
  CHECK_FALSE(monitor->register_event("my_device_irq", EventKind::kTimed));
  CHECK_FALSE(monitor->register_event("syscall", EventKind::kTimed));
  CHECK(monitor->find_event("my_device_irq") == *id);
  monitor->thread_recorder().record(*id, 0, 40);
  CHECK(event(monitor->snapshot(), "my_device_irq").count == 1);
  for (EventId i = kBuiltinEventCount + 1; i < kMaxEvents; ++i)
    REQUIRE(monitor->register_event("extra" + std::to_string(i), EventKind::kInstant));
  auto full = monitor->register_event("one_too_many", EventKind::kInstant);
  REQUIRE_FALSE(full);
  CHECK(full.error().message().find("one_too_many") != std::string::npos);
}

TEST_CASE("sampling takes 1 in N events into the ring and counts overruns", "[perf][monitor][sampling]") {
  MonitorOptions options;
  options.sample_every = 10;
  options.ring_capacity = 8;
  auto monitor = make_monitor(options);
  Recorder& r = monitor->thread_recorder();
  for (std::uint64_t i = 0; i < 200; ++i) r.record(Event::kSyscall, 1000 + i, 7, i, 2 * i);
  // 20 samples due; the ring holds 8, so 12 overran (never blocked).
  Stats s = monitor->snapshot();
  CHECK(s.samples_taken == 8);
  CHECK(s.sample_overruns == 12);
  std::vector<Sample> samples;
  CHECK(monitor->drain_samples(samples) == 8);
  REQUIRE(samples.size() == 8);
  for (std::size_t k = 0; k < samples.size(); ++k) {
    const std::uint64_t i = 10 * k + 9;  // the 10th, 20th, ... event
    CHECK(samples[k].event == id_of(Event::kSyscall));
    CHECK(samples[k].start == 1000 + i);
    CHECK(samples[k].duration == 7);
    CHECK(samples[k].payload[0] == i);
    CHECK(samples[k].payload[1] == 2 * i);
  }
  // Draining made room again.
  for (int i = 0; i < 10; ++i) r.record(Event::kSyscall, 0, 1);
  samples.clear();
  CHECK(monitor->drain_samples(samples) == 1);
}

TEST_CASE("monitor options are validated", "[perf][monitor]") {
  MonitorOptions options;
  options.ring_capacity = 1;
  CHECK(Monitor::create(options));  // no ring without sampling
  options.sample_every = 1;
  CHECK_FALSE(Monitor::create(options));
}

TEST_CASE("latency thresholds raise an alert and a rate-limited log line", "[perf][monitor][alert]") {
  std::vector<Alert> alerts;
  std::vector<std::string> lines;
  MonitorOptions options;
  options.on_alert = [&](const Alert& a) { alerts.push_back(a); };
  options.log = [&](std::string_view l) { lines.emplace_back(l); };
  options.alert_log_interval_s = 3600;
  auto monitor = make_monitor(options);
  const double ns = clock_info().ns_per_tick;
  monitor->set_latency_threshold(id_of(Event::kPageFault), 1000 * ns);
  Recorder& r = monitor->thread_recorder();
  r.record(Event::kPageFault, 0, 500);   // under
  r.record(Event::kPageFault, 0, 5000);  // over
  r.record(Event::kPageFault, 0, 9000);  // over, log suppressed
  r.record(Event::kSyscall, 0, 9000);    // no threshold on syscall
  REQUIRE(alerts.size() == 2);
  CHECK(alerts[0].kind == Alert::Kind::kLatency);
  CHECK(alerts[0].event_name == "page_fault");
  CHECK(alerts[0].value == Approx(5000 * ns));
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].find("page_fault") != std::string::npos);
  CHECK(lines[0].find("threshold") != std::string::npos);
}

TEST_CASE("rate thresholds are checked by poll", "[perf][monitor][alert]") {
  std::vector<Alert> alerts;
  MonitorOptions options;
  options.on_alert = [&](const Alert& a) { alerts.push_back(a); };
  options.log = [](std::string_view) {};
  auto monitor = make_monitor(options);
  monitor->set_rate_threshold(id_of(Event::kTlbMiss), 1000);
  monitor->set_rate_threshold(id_of(Event::kSyscall), 1e12);
  Recorder& r = monitor->thread_recorder();
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::vector<RatePoint> rates;
  monitor->poll(&rates);  // nothing happened yet
  CHECK(alerts.empty());
  for (int i = 0; i < 10000; ++i) r.count(Event::kTlbMiss);
  for (int i = 0; i < 10; ++i) r.record(Event::kSyscall, 0, 1);
  monitor->poll(&rates);  // 10000 TLB misses within well under 10 s
  REQUIRE(alerts.size() == 1);
  CHECK(alerts[0].kind == Alert::Kind::kRate);
  CHECK(alerts[0].event_name == "tlb_miss");
  CHECK(alerts[0].value > 1000);
  CHECK(rates.size() == 2u * monitor->event_count());
}

TEST_CASE("threshold lists parse and apply by event name", "[perf][alert]") {
  auto list = vm::core::perf::parse_thresholds(" syscall=50000, trap = 2.5e4 ,");
  REQUIRE(list);
  REQUIRE(list->size() == 2);
  CHECK((*list)[0].event == "syscall");
  CHECK((*list)[0].value == 50000);
  CHECK((*list)[1].event == "trap");
  CHECK((*list)[1].value == 25000);
  CHECK(vm::core::perf::parse_thresholds("")->empty());
  auto bad = vm::core::perf::parse_thresholds("syscall=fast");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message().find("syscall=fast") != std::string::npos);

  std::vector<Alert> alerts;
  MonitorOptions options;
  options.on_alert = [&](const Alert& a) { alerts.push_back(a); };
  options.log = [](std::string_view) {};
  auto monitor = make_monitor(options);
  auto unknown = apply_thresholds(*monitor, "sycsall=1", ThresholdKind::kLatencyNs);
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().message().find("'sycsall'") != std::string::npos);
  REQUIRE(apply_thresholds(*monitor, "syscall=1000", ThresholdKind::kLatencyNs));
  const auto ticks = static_cast<Ticks>(2000 / clock_info().ns_per_tick);
  monitor->thread_recorder().record(Event::kSyscall, 0, ticks);
  CHECK(alerts.size() == 1);
}

TEST_CASE("snapshot percentiles stay within the observed min and max", "[perf][monitor]") {
  auto monitor = make_monitor();
  Recorder& r = monitor->thread_recorder();
  // All values fall in the bucket [992, 1024) whose midpoint is 1008.
  for (int i = 0; i < 50; ++i) r.record(Event::kSyscall, 0, 992);
  for (int i = 0; i < 50; ++i) r.record(Event::kSyscall, 0, 995);  // max below the midpoint
  for (int i = 0; i < 50; ++i) r.record(Event::kTrap, 0, 1020);    // min above it
  for (int i = 0; i < 50; ++i) r.record(Event::kTrap, 0, 1023);
  const Stats s = monitor->snapshot();
  CHECK(event(s, "syscall").p99_ns == Approx(event(s, "syscall").max_ns));
  CHECK(event(s, "trap").p50_ns == Approx(event(s, "trap").min_ns));
}

TEST_CASE("snapshots and drains run safely while threads record", "[perf][monitor][threads]") {
  MonitorOptions options;
  options.sample_every = 7;
  options.ring_capacity = 1024;
  auto monitor = make_monitor(options);
  constexpr int kEvents = 200000;
  std::atomic<int> running{2};
  auto writer = [&] {
    Recorder& r = monitor->thread_recorder();
    for (int i = 0; i < kEvents; ++i) r.record(Event::kMmioAccess, static_cast<Ticks>(i), 50);
    running.fetch_sub(1);
  };
  std::thread a(writer), b(writer);
  std::vector<Sample> samples;
  std::uint64_t last_count = 0;
  while (running.load() > 0) {
    const std::uint64_t count = event(monitor->snapshot(), "mmio_access").count;
    CHECK(count >= last_count);  // counts only grow
    last_count = count;
    monitor->drain_samples(samples);
  }
  a.join();
  b.join();
  monitor->drain_samples(samples);
  const Stats s = monitor->snapshot();
  CHECK(event(s, "mmio_access").count == 2u * kEvents);
  const std::uint64_t due = 2u * (kEvents / 7);
  CHECK(s.samples_taken + s.sample_overruns == due);
  CHECK(samples.size() == s.samples_taken);
}
