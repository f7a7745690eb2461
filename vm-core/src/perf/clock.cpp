#include "vm/core/perf/clock.hpp"

#include <algorithm>
#include <thread>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace vm::core::perf {
namespace {

bool tsc_is_invariant() {
#if defined(__x86_64__)
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid_max(0x80000000u, nullptr) < 0x80000007u) return false;
  __cpuid(0x80000007u, eax, ebx, ecx, edx);
  return (edx >> 8) & 1u;  // "Invariant TSC"
#else
  return false;
#endif
}

double ns_per_tick_calibrated() {
#if defined(__x86_64__)
  // One 20 ms window: both clocks keep counting through preemption, so the
  // only error is the read jitter at the ends (~100 ns / 20 ms = 5e-6).
  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  const Ticks c0 = read_ticks();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const auto t1 = clock::now();
  const Ticks c1 = read_ticks();
  const double ns = std::chrono::duration<double, std::nano>(t1 - t0).count();
  return c1 > c0 ? ns / static_cast<double>(c1 - c0) : 1.0;
#else
  return 1.0;
#endif
}

double read_cost_ns(double ns_per_tick) {
  constexpr int kReads = 1000;
  const Ticks begin = read_ticks();
  Ticks sink = 0;
  for (int i = 0; i < kReads; ++i) sink ^= read_ticks();
  const Ticks end = read_ticks();
  asm volatile("" : : "r"(sink));
  return static_cast<double>(end - begin) * ns_per_tick / kReads;
}

ClockInfo calibrate() {
  ClockInfo info;
#if defined(__x86_64__)
  info.source = tsc_is_invariant() ? "tsc" : "tsc (not invariant)";
#else
  info.source = "steady_clock";
#endif
  info.ns_per_tick = ns_per_tick_calibrated();
  info.read_cost_ns = read_cost_ns(info.ns_per_tick);
  info.resolution_ns = std::max(info.ns_per_tick, info.read_cost_ns);
  return info;
}

}  // namespace

const ClockInfo& clock_info() {
  // Immutable after the first call; a process-wide constant of the machine.
  static const ClockInfo info = calibrate();
  return info;
}

}  // namespace vm::core::perf
