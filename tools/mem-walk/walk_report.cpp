// Formats walk steps: each PTE with its flags, then the physical address or
// the fault (cause, tval and which spec rule refused the access).
#include "walk_report.hpp"

#include <string>
#include <vector>

#include <fmt/format.h>

namespace mem_walk {
namespace {

using namespace vm::mem;

std::string flags_of(std::uint64_t e) {
  std::string s;
  const std::pair<std::uint64_t, char> bits[] = {{pte::kD, 'D'}, {pte::kA, 'A'}, {pte::kG, 'G'}, {pte::kU, 'U'},
                                                 {pte::kX, 'X'}, {pte::kW, 'W'}, {pte::kR, 'R'}, {pte::kV, 'V'}};
  for (auto [bit, c] : bits) s += (e & bit) != 0 ? c : '-';
  return s;
}

const char* size_name(unsigned level) {
  static const char* const kNames[] = {"4 KiB", "2 MiB", "1 GiB", "512 GiB", "256 TiB"};
  return level < 5 ? kNames[level] : "?";
}

const char* access_name(AccessType a) {
  return a == AccessType::kFetch ? "fetch" : a == AccessType::kLoad ? "load" : "store";
}

}  // namespace

vm::Result<void> report_walk(const PageWalker& walker, const MmuContext& ctx, const Options& options,
                             std::uint64_t image_bytes, std::uint64_t va, std::FILE* out) {
  std::vector<WalkStep> trace;
  const WalkResult r = walker.walk(GuestVirtAddr{va}, options.access, ctx, &trace);
  fmt::print(out, "va {:#018x} ({}):\n", va, access_name(options.access));
  for (const WalkStep& s : trace) {
    const bool leaf = (s.pte & (pte::kR | pte::kX)) != 0;
    fmt::print(out, "  level {}  pte @ {:#x} = {:#018x}  {}  ppn {:#x}{}\n", s.level, s.pte_addr.value(), s.pte,
               flags_of(s.pte), pte::ppn(s.pte),
               (s.pte & pte::kV) == 0 ? ""
               : leaf                 ? "  leaf"
                                      : "  -> next table");
  }
  if (!r.ok && r.fault.reason == FaultReason::kPteAccess) {
    // The walk left the image: that is bad input, not a guest fault.
    const std::uint64_t next =
        trace.empty() ? ctx.satp.root_ppn << kPageShift : pte::ppn(trace.back().pte) << kPageShift;
    return vm::make_error(vm::ErrorCode::kOutOfRange,
                          fmt::format("the walk of {:#x} reads a page table at {:#x}, outside the "
                                      "image ({} bytes at {:#x}); is the file too short or the "
                                      "base/satp wrong?",
                                      va, next, image_bytes, options.base));
  }
  for (const WalkStep& s : trace) {
    if (s.pte_addr.value() + 8 > options.base + image_bytes) {
      return vm::make_error(vm::ErrorCode::kOutOfRange,
                            fmt::format("the walk of {:#x} reads the PTE at {:#x}, past the end "
                                        "of the {}-byte image",
                                        va, s.pte_addr.value(), image_bytes));
    }
  }
  if (r.ok) {
    if (trace.empty()) {
      fmt::print(out, "  => pa {:#x} (no translation: Bare mode or M-mode)\n", r.pa.value());
    } else {
      fmt::print(out, "  => pa {:#x} ({} page)\n", r.pa.value(), size_name(r.level));
    }
  } else {
    fmt::print(out, "  => fault: cause {} ({}), tval {:#x}: {}\n", static_cast<unsigned>(r.fault.cause),
               to_string(r.fault.reason), r.fault.tval, explain(r.fault.reason));
  }
  return {};
}

}  // namespace mem_walk
