// Export of sampled events and polled rates as Chrome Trace Event JSON, which
// ui.perfetto.dev and chrome://tracing open: timed events become complete
// events ("ph":"X"), rates become counter tracks ("ph":"C").
#pragma once

#include <string>
#include <vector>

#include "vm/core/export.hpp"
#include "vm/core/perf/monitor.hpp"
#include "vm/core/result.hpp"

namespace vm::core::perf {

struct TraceInput {
  std::vector<Sample> samples;
  std::vector<RatePoint> rates;
  std::vector<std::string> event_names;  // by EventId
  Ticks start_ticks = 0;                 // becomes ts 0
  double ns_per_tick = 1;
};

// Gathers what `monitor` can describe (names, start, clock) around the given
// samples and rate points.
VM_CORE_API TraceInput make_trace_input(const Monitor& monitor, std::vector<Sample> samples,
                                        std::vector<RatePoint> rates);

// {"displayTimeUnit":"ns","traceEvents":[...]}; ts/dur in microseconds.
// Instant events become "ph":"i" (thread-scoped) markers.
VM_CORE_API std::string chrome_trace_json(const TraceInput& input);
VM_CORE_API vm::Result<void> save_chrome_trace(const TraceInput& input, const std::string& path);

}  // namespace vm::core::perf
