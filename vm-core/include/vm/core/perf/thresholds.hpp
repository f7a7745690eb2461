// Threshold lists as written in the [perf] config section and on the command
// line ("syscall=50000,trap=20000"), applied to a Monitor by event name.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "vm/core/export.hpp"
#include "vm/core/perf/monitor.hpp"
#include "vm/core/result.hpp"

namespace vm::core::perf {

struct ThresholdSetting {
  std::string event;
  double value = 0;
};

// Comma-separated EVENT=NUMBER pairs (spaces allowed); empty text is an
// empty list. Errors name the bad item.
VM_CORE_API vm::Result<std::vector<ThresholdSetting>> parse_thresholds(std::string_view text);

enum class ThresholdKind { kLatencyNs, kRatePerSecond };
// Unknown event names are an error naming the event and listing the known ones.
VM_CORE_API vm::Result<void> apply_thresholds(Monitor& monitor, std::string_view text, ThresholdKind kind);

}  // namespace vm::core::perf
