// /tmp/perf-PID.map writer: one line per compiled block ("addr size name"),
// so `perf report` names JIT code by the guest address it came from.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>

#include "vm/core/result.hpp"

namespace vm::engine::jit {

class PerfMap {
 public:
  static vm::Result<std::unique_ptr<PerfMap>> open_for_this_process();
  ~PerfMap();
  PerfMap(const PerfMap&) = delete;
  PerfMap& operator=(const PerfMap&) = delete;
  // Thread-safe; each line is flushed so a crash keeps what was written.
  // The name is guest_0x<pc> followed by `tier` (".baseline" for the
  // baseline tier's code, nothing for LLVM regions).
  void add(const void* code, std::uint64_t size, std::uint64_t guest_pc, const char* tier = "");

 private:
  explicit PerfMap(std::FILE* file) : file_(file) {}
  std::mutex mutex_;
  std::FILE* file_;
};

}  // namespace vm::engine::jit
