// Maps benchmark names to report categories and chart groups.
#pragma once

#include <string>
#include <vector>

namespace vm::bench {

// "memory", "JIT", "interpreter", "cross-arch", "device", "optimizers",
// "core", or "other". A "vm_" prefix on the library (bench_vm_mem style) is
// accepted too.
std::string category_of(const std::string& name);
// All categories in report order (ending with "other").
const std::vector<std::string>& categories();
// `<library>/<group>` — the first two name components (the whole name when
// it has fewer); one trend chart is drawn per group.
std::string group_of(const std::string& name);

}  // namespace vm::bench
