// The monitor's high-resolution clock: raw ticks on the hot path (the CPU's
// time-stamp counter on x86-64, steady_clock nanoseconds elsewhere), turned
// into nanoseconds only when stats are read.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

#include "vm/core/export.hpp"

namespace vm::core::perf {

using Ticks = std::uint64_t;

// rdtsc is not serialising: an out-of-order CPU may read it a few cycles
// early or late, which is far below the resolution documented in ClockInfo.
inline Ticks read_ticks() noexcept {
#if defined(__x86_64__)
  return __rdtsc();
#else
  return static_cast<Ticks>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count());
#endif
}

struct ClockInfo {
  std::string_view source;   // "tsc", "tsc (not invariant)" or "steady_clock"
  double ns_per_tick = 1.0;  // calibrated against steady_clock over ~20 ms
  // Resolution: the smallest duration two reads can tell apart, i.e. the
  // larger of one tick and the cost of one read_ticks() call (measured).
  // Typically ~10-25 ns with the TSC; steady_clock is ~20-40 ns.
  double resolution_ns = 1.0;
  double read_cost_ns = 0.0;
};

// Calibrated once per process on first use (immutable afterwards; takes
// ~20 ms). TSC rates do not change while a process runs on an invariant-TSC
// CPU, so one calibration is enough; without that CPU flag the source says
// "tsc (not invariant)" and durations may drift with frequency changes.
VM_CORE_API const ClockInfo& clock_info();

}  // namespace vm::core::perf
