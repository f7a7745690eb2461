// Tier-0 execution engine: runs pre-decoded IR blocks with direct-threaded
// dispatch (computed goto) out of a block cache keyed by guest pc, with
// successor links so straight-line block chains do no hash look-up.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "vm/core/perf/recorder.hpp"
#include "vm/cross_arch/ir/block.hpp"
#include "vm/engine/cpu_state.hpp"
#include "vm/engine/export.hpp"
#include "vm/mem/user_address_space.hpp"

namespace vm::engine {

struct InterpreterOptions {
  unsigned max_block_insns = 64;  // 1..255
  // Called once per newly translated block (e.g. `vm run -d in_asm`).
  std::function<void(const cross_arch::ir::Block&)> on_translate;
  // Times each block translation (the running thread's recorder); null = off.
  core::perf::Recorder* perf = nullptr;
};

struct InterpreterStats {
  std::uint64_t blocks_translated = 0;
  std::uint64_t cache_flushes = 0;
  std::uint64_t cached_blocks = 0;
};

class VM_ENGINE_API Interpreter {
 public:
  Interpreter(mem::UserAddressSpace& memory, InterpreterOptions options = {});
  ~Interpreter();
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;

  // Runs from cpu.pc until an ecall, a trap, fence.i, or until at least
  // `max_insns` more instructions have retired (checked at block ends, so it
  // may overshoot by less than one block). cpu.instret counts exactly.
  // - kEcall: cpu.pc is at the ecall, which has retired.
  // - kFault / kBreakpoint: last_trap() says why; cpu.pc is the trapping
  //   instruction, which has not retired; registers are precise.
  // - kCodeInvalidated: fence.i retired; cpu.pc is after it.
  HaltReason run(CpuState& cpu, std::uint64_t max_insns);

  const Trap& last_trap() const noexcept;
  // Drops every translation (code was modified or unmapped).
  void flush_code_cache();
  InterpreterStats stats() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vm::engine
