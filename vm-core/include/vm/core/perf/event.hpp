// Performance event identities: the built-in events from events.inc plus ids
// that embedders register at run time (Monitor::register_event).
#pragma once

#include <cstdint>
#include <string_view>

#include "vm/core/export.hpp"

namespace vm::core::perf {

using EventId = std::uint16_t;

enum class EventKind : std::uint8_t {
  kTimed,    // has a duration: min/max/mean/percentiles
  kInstant,  // counted only
};

enum class Event : EventId {
#define VM_PERF_EVENT(name, json, kind, doc) name,
#include "vm/core/perf/events.inc"
#undef VM_PERF_EVENT
  kBuiltinEventCount
};

inline constexpr EventId kBuiltinEventCount = static_cast<EventId>(Event::kBuiltinEventCount);
// Built-in plus embedder events per monitor. Each costs ~8 KiB per recording
// thread (its histogram), so the limit is fixed rather than unbounded.
inline constexpr EventId kMaxEvents = 32;

constexpr EventId id_of(Event e) noexcept { return static_cast<EventId>(e); }

// "syscall" for Event::kSyscall; empty for ids that are not built in.
VM_CORE_API std::string_view builtin_event_name(EventId id) noexcept;
VM_CORE_API EventKind builtin_event_kind(EventId id) noexcept;
VM_CORE_API std::string_view builtin_event_doc(EventId id) noexcept;

}  // namespace vm::core::perf
