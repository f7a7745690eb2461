#include "vm/core/perf/thresholds.hpp"

#include <fmt/format.h>

#include <charconv>

namespace vm::core::perf {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

vm::Result<ThresholdSetting> parse_item(std::string_view item) {
  const auto eq = item.find('=');
  const std::string_view name = trim(item.substr(0, eq));
  const std::string_view number = eq == std::string_view::npos ? "" : trim(item.substr(eq + 1));
  double value = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (name.empty() || number.empty() || ec != std::errc() || end != number.data() + number.size() || value < 0)
    return vm::make_error(vm::ErrorCode::kInvalidArgument,
                          fmt::format("threshold '{}' is not EVENT=NUMBER with a non-negative number", trim(item)));
  return ThresholdSetting{std::string(name), value};
}

}  // namespace

vm::Result<std::vector<ThresholdSetting>> parse_thresholds(std::string_view text) {
  std::vector<ThresholdSetting> out;
  while (!trim(text).empty()) {
    const auto comma = text.find(',');
    auto item = parse_item(text.substr(0, comma));
    if (!item) return vm::make_error(item.error().code(), item.error().message());
    out.push_back(std::move(*item));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  return out;
}

vm::Result<void> apply_thresholds(Monitor& monitor, std::string_view text, ThresholdKind kind) {
  auto settings = parse_thresholds(text);
  if (!settings) return vm::make_error(settings.error().code(), settings.error().message());
  for (const ThresholdSetting& s : *settings) {
    const auto id = monitor.find_event(s.event);
    if (!id) {
      std::vector<std::string> known;
      for (EventId i = 0; i < monitor.event_count(); ++i) known.push_back(monitor.event_name(i));
      return vm::make_error(vm::ErrorCode::kInvalidArgument, fmt::format("threshold for unknown event '{}' (known: {})",
                                                                         s.event, fmt::join(known, ", ")));
    }
    if (kind == ThresholdKind::kLatencyNs)
      monitor.set_latency_threshold(*id, s.value);
    else
      monitor.set_rate_threshold(*id, s.value);
  }
  return {};
}

}  // namespace vm::core::perf
