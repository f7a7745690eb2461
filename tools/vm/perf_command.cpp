#include "perf_command.hpp"

#include <fmt/core.h>

#include <chrono>

#include "vm/core/perf/baseline.hpp"
#include "vm/core/perf/chrome_trace.hpp"
#include "vm/core/perf/stats_json.hpp"
#include "vm/core/perf/thresholds.hpp"

namespace vm::tools {
namespace perf = core::perf;

namespace {

// Sampled events kept for the trace (40 bytes each); later ones are counted.
constexpr std::size_t kMaxTraceSamples = 2'000'000;
// Sampling 1 in 1000 when a trace is asked for without a rate.
constexpr unsigned kDefaultTraceSampling = 1000;
// How often the collector thread wakes: rings are drained and rate
// counters sampled at this period.
constexpr auto kCollectPeriod = std::chrono::milliseconds(100);

}  // namespace

void add_perf_run_options(CLI::App& run, PerfRunArgs& args) {
  run.add_option("--perf-stats", args.stats_file, "Monitor performance events; write stats JSON to FILE on exit")
      ->type_name("FILE");
  run.add_option("--perf-trace", args.trace_file,
                 "Write sampled events as Chrome Trace JSON to FILE (open in ui.perfetto.dev)")
      ->type_name("FILE");
  run.add_option("--perf-sample", args.sample_every, "Sample 1 in N events for the trace (default 1000; 0 = off)")
      ->type_name("N");
  run.add_option("--monitor", args.monitor_seconds, "Print a live table of events on stderr every SECONDS")
      ->type_name("SECONDS")
      ->check(CLI::Range(1u, 3600u));
}

vm::Result<std::unique_ptr<PerfSession>> PerfSession::start(const PerfRunArgs& args, const core::PerfConfig& config) {
  std::unique_ptr<PerfSession> session(new PerfSession);
  session->stats_file_ = args.stats_file.empty() ? config.stats_file : args.stats_file;
  session->trace_file_ = args.trace_file.empty() ? config.trace_file : args.trace_file;
  session->monitor_seconds_ = args.monitor_seconds.value_or(config.monitor_interval);
  unsigned sample_every = args.sample_every.value_or(config.sample_every);
  if (!session->trace_file_.empty() && !args.sample_every && sample_every == 0) sample_every = kDefaultTraceSampling;
  const bool thresholds = !config.latency_thresholds_ns.empty() || !config.rate_thresholds_per_s.empty();
  if (session->stats_file_.empty() && session->trace_file_.empty() && session->monitor_seconds_ == 0 && !thresholds)
    return std::unique_ptr<PerfSession>();

  perf::MonitorOptions options;
  options.sample_every = sample_every;
  options.ring_capacity = config.ring_capacity;
  auto monitor = perf::Monitor::create(options);
  if (!monitor) return vm::make_error(monitor.error().code(), monitor.error().message());
  session->monitor_ = std::move(*monitor);
  for (auto [text, kind, key] :
       {std::tuple{config.latency_thresholds_ns, perf::ThresholdKind::kLatencyNs, "perf.latency_thresholds_ns"},
        std::tuple{config.rate_thresholds_per_s, perf::ThresholdKind::kRatePerSecond, "perf.rate_thresholds_per_s"}}) {
    auto applied = perf::apply_thresholds(*session->monitor_, text, kind);
    if (!applied) return vm::make_error(applied.error().code(), fmt::format("{}: {}", key, applied.error().message()));
  }
  session->sampling_ = sample_every != 0;
  session->thread_ = std::thread([s = session.get()] { s->collect_loop(); });
  return session;
}

PerfSession::~PerfSession() {
  if (thread_.joinable()) {
    {
      const std::lock_guard lock(stop_mutex_);
      stop_ = true;
    }
    stop_cv_.notify_all();
    thread_.join();
  }
}

void PerfSession::collect_once() {
  if (sampling_) {
    std::vector<perf::Sample> batch;
    monitor_->drain_samples(batch);
    const std::size_t room = kMaxTraceSamples - samples_.size();
    if (batch.size() > room) samples_dropped_ += batch.size() - room;
    samples_.insert(samples_.end(), batch.begin(),
                    batch.begin() + static_cast<std::ptrdiff_t>(std::min(room, batch.size())));
  }
  monitor_->poll(trace_file_.empty() ? nullptr : &rates_);
}

void PerfSession::print_live_table() {
  // Like top: rates over the last interval; the other columns are cumulative.
  perf::Stats stats = monitor_->snapshot();
  const double seconds = (stats.wall_ns - table_wall_ns_) * 1e-9;
  table_counts_.resize(stats.events.size());
  for (std::size_t i = 0; i < stats.events.size(); ++i) {
    const std::uint64_t count = stats.events[i].count;
    stats.events[i].rate_per_s = seconds > 0 ? static_cast<double>(count - table_counts_[i]) / seconds : 0;
    table_counts_[i] = count;
  }
  table_wall_ns_ = stats.wall_ns;
  fmt::print(stderr, "{}(rate/s over the last {:.1f} s)\n\n", perf::format_stats_table(stats), seconds);
}

void PerfSession::collect_loop() {
  auto next_table = std::chrono::steady_clock::now() + std::chrono::seconds(monitor_seconds_);
  std::unique_lock lock(stop_mutex_);
  while (!stop_cv_.wait_for(lock, kCollectPeriod, [this] { return stop_; })) {
    collect_once();
    if (monitor_seconds_ && std::chrono::steady_clock::now() >= next_table) {
      print_live_table();
      next_table += std::chrono::seconds(monitor_seconds_);
    }
  }
}

bool PerfSession::finish() {
  if (thread_.joinable()) {
    {
      const std::lock_guard lock(stop_mutex_);
      stop_ = true;
    }
    stop_cv_.notify_all();
    thread_.join();
  }
  collect_once();
  bool ok = true;
  const perf::Stats stats = monitor_->snapshot();
  if (stats.sample_overruns || samples_dropped_)
    fmt::print(stderr, "vm: perf: {} samples lost to full rings, {} beyond the trace limit of {}\n",
               stats.sample_overruns, samples_dropped_, kMaxTraceSamples);
  if (!stats_file_.empty()) {
    if (auto saved = perf::save_stats(stats, stats_file_); !saved) {
      fmt::print(stderr, "vm: perf: {}\n", saved.error().message());
      ok = false;
    }
  }
  if (!trace_file_.empty()) {
    const perf::TraceInput input = perf::make_trace_input(*monitor_, std::move(samples_), std::move(rates_));
    if (auto saved = perf::save_chrome_trace(input, trace_file_); !saved) {
      fmt::print(stderr, "vm: perf: {}\n", saved.error().message());
      ok = false;
    }
  }
  return ok;
}

PerfCommand add_perf_command(CLI::App& app, PerfCommandArgs& args) {
  PerfCommand c;
  c.perf = app.add_subcommand("perf", "Inspect and compare performance-monitor stats files");
  c.perf->require_subcommand(1);
  c.show = c.perf->add_subcommand("show", "Print a stats file (from vm run --perf-stats) as a table");
  c.show->add_option("FILE", args.file, "Stats JSON")->required();
  c.check = c.perf->add_subcommand("check", "Compare a stats file with a baseline; exit 1 if an event regressed");
  c.check->add_option("--baseline", args.baseline, "Baseline stats JSON")->required()->type_name("BASE.json");
  c.check->add_option("--threshold", args.threshold_pct, "Allowed growth in percent (default 20)")->type_name("PCT");
  c.check->add_option("--event-threshold", args.event_thresholds, "Per-event limit, e.g. syscall=30 (repeatable)")
      ->type_name("EVENT=PCT")
      ->allow_extra_args(false);
  c.check->add_option("--metric", args.metric, "mean (default), p50, p90, p99, max, total or count");
  c.check->add_option("--min-count", args.min_count, "Skip events seen fewer times in the baseline (default 1)");
  c.check->add_option("FILE", args.file, "Stats JSON of the new run")->required();
  return c;
}

namespace {

int perf_show(const PerfCommandArgs& args) {
  auto stats = perf::load_stats(args.file);
  if (!stats) {
    fmt::print(stderr, "vm perf show: {}\n", stats.error().message());
    return 2;
  }
  fmt::print("{}", perf::format_stats_table(*stats));
  return 0;
}

int perf_check(const PerfCommandArgs& args) {
  auto fail = [](const vm::Error& e) {
    fmt::print(stderr, "vm perf check: {}\n", e.message());
    return 2;
  };
  perf::CheckOptions options;
  options.threshold_pct = args.threshold_pct;
  options.min_count = args.min_count;
  auto metric = perf::parse_metric(args.metric);
  if (!metric) return fail(metric.error());
  options.metric = *metric;
  for (const std::string& item : args.event_thresholds) {
    auto parsed = perf::parse_thresholds(item);
    if (!parsed) return fail(parsed.error());
    for (const auto& s : *parsed) options.per_event_pct[s.event] = s.value;
  }
  auto baseline = perf::load_stats(args.baseline);
  if (!baseline) return fail(baseline.error());
  auto current = perf::load_stats(args.file);
  if (!current) return fail(current.error());
  for (const auto& [name, pct] : options.per_event_pct)
    if (!baseline->find(name))
      return fail(vm::Error(vm::ErrorCode::kInvalidArgument,
                            fmt::format("--event-threshold: '{}' is not an event in {}", name, args.baseline)));
  const perf::CheckReport report = perf::check_against_baseline(*baseline, *current, options);
  fmt::print("{}", perf::format_check_report(report, options.metric));
  return report.regressed() ? 1 : 0;
}

}  // namespace

int run_perf_command(const PerfCommand& command, const PerfCommandArgs& args) {
  if (command.show->parsed()) return perf_show(args);
  if (command.check->parsed()) return perf_check(args);
  return 2;
}

}  // namespace vm::tools
