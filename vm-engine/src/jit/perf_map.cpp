#include "jit/perf_map.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace vm::engine::jit {

vm::Result<std::unique_ptr<PerfMap>> PerfMap::open_for_this_process() {
  const std::string path = "/tmp/perf-" + std::to_string(::getpid()) + ".map";
  std::FILE* f = std::fopen(path.c_str(), "a");
  if (!f)
    return vm::make_error(vm::ErrorCode::kIoError, "--perf-map: cannot open " + path + ": " + std::strerror(errno));
  return std::unique_ptr<PerfMap>(new PerfMap(f));
}

PerfMap::~PerfMap() { std::fclose(file_); }

void PerfMap::add(const void* code, std::uint64_t size, std::uint64_t guest_pc, const char* tier) {
  std::lock_guard lock(mutex_);
  std::fprintf(file_, "%lx %lx guest_0x%lx%s\n", static_cast<unsigned long>(reinterpret_cast<std::uintptr_t>(code)),
               static_cast<unsigned long>(size ? size : 1), static_cast<unsigned long>(guest_pc), tier);
  std::fflush(file_);
}

}  // namespace vm::engine::jit
