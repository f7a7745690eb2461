#include "vm/core/perf/event.hpp"

namespace vm::core::perf {
namespace {

struct BuiltinEvent {
  std::string_view name;
  EventKind kind;
  std::string_view doc;
};

constexpr BuiltinEvent kBuiltins[] = {
#define VM_PERF_EVENT(name, json, kind, doc) {json, EventKind::kind, doc},
#include "vm/core/perf/events.inc"
#undef VM_PERF_EVENT
};
static_assert(std::size(kBuiltins) == kBuiltinEventCount);
static_assert(kBuiltinEventCount < kMaxEvents);

}  // namespace

std::string_view builtin_event_name(EventId id) noexcept { return id < kBuiltinEventCount ? kBuiltins[id].name : ""; }
EventKind builtin_event_kind(EventId id) noexcept {
  return id < kBuiltinEventCount ? kBuiltins[id].kind : EventKind::kTimed;
}
std::string_view builtin_event_doc(EventId id) noexcept { return id < kBuiltinEventCount ? kBuiltins[id].doc : ""; }

}  // namespace vm::core::perf
