// A bare guest for the engine benchmarks: a program's code and a data area
// in a UserAddressSpace, no operating system; programs end in an ecall,
// which hands control back to the benchmark. One front for all engines.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "vm/engine/interpreter.hpp"
#include "vm/engine/jit_engine.hpp"
#include "vm/mem/user_address_space.hpp"

namespace vm::bench_engine {

inline constexpr std::uint64_t kCode = 0x10000;
inline constexpr std::uint64_t kData = 0x400000;
inline constexpr std::uint64_t kDataSize = 0x10000;

struct GuestMemory {
  std::unique_ptr<mem::UserAddressSpace> memory;
  std::string error;  // set when the memory could not be built
};

// Maps the code (read/exec, whole pages) at kCode and kDataSize bytes of
// zeroed read/write data at kData.
inline GuestMemory load_program(const std::vector<std::uint32_t>& code) {
  GuestMemory g;
  auto as = mem::UserAddressSpace::create({.va_bits = 32});
  if (!as) return {.error = as.error().message()};
  g.memory = std::move(*as);
  const std::uint64_t code_bytes = code.size() * 4;
  const std::uint64_t code_span = (code_bytes + mem::kPageSize - 1) & ~(mem::kPageSize - 1);
  if (kCode + code_span > kData) return {.error = "program too large for the code area"};
  if (auto r = g.memory->map_fixed(kCode, code_span, mem::kPermRead | mem::kPermExec); !r)
    return {.error = r.error().message()};
  if (auto r = g.memory->map_fixed(kData, kDataSize, mem::kPermRead | mem::kPermWrite); !r)
    return {.error = r.error().message()};
  std::vector<std::uint8_t> bytes(code_bytes);
  std::memcpy(bytes.data(), code.data(), bytes.size());
  if (g.memory->write(kCode, bytes, /*force=*/true) != mem::AccessFault::kNone) return {.error = "code write failed"};
  return g;
}

// kBaseline: the baseline tier alone, compiling each block as it first runs.
enum class EngineChoice { kInterp, kJit, kTiered, kBaseline };

inline const char* engine_name(EngineChoice e) {
  switch (e) {
    case EngineChoice::kInterp:
      return "interp";
    case EngineChoice::kJit:
      return "jit";
    case EngineChoice::kTiered:
      return "tiered";
    case EngineChoice::kBaseline:
      return "baseline";
  }
  return "?";
}

// The interpreter or a JitEngine behind one run().
class BenchEngine {
 public:
  // `jit.tiered` is set from `choice`; the rest of `jit` is used as given.
  static BenchEngine create(mem::UserAddressSpace& memory, EngineChoice choice, engine::JitOptions jit = {}) {
    BenchEngine e;
    if (choice == EngineChoice::kInterp) {
      e.interp_ = std::make_unique<engine::Interpreter>(
          memory, engine::InterpreterOptions{.max_block_insns = jit.max_block_insns});
      return e;
    }
    jit.tiered = choice != EngineChoice::kJit;
    if (choice == EngineChoice::kBaseline) {
      jit.baseline = true;
      jit.baseline_threshold = 1;
      jit.optimize = false;
    }
    auto created = engine::JitEngine::create(memory, std::move(jit));
    if (!created) {
      e.error_ = created.error().message();
      return e;
    }
    e.jit_ = std::move(*created);
    return e;
  }

  const std::string& error() const { return error_; }
  engine::JitEngine* jit() { return jit_.get(); }

  engine::HaltReason run(engine::CpuState& cpu, std::uint64_t max_insns) {
    return jit_ ? jit_->run(cpu, max_insns) : interp_->run(cpu, max_insns);
  }
  void flush_code_cache() { jit_ ? jit_->flush_code_cache() : interp_->flush_code_cache(); }
  void wait_for_compiles() {
    if (jit_) jit_->wait_for_compiles();
  }

 private:
  std::unique_ptr<engine::Interpreter> interp_;
  std::unique_ptr<engine::JitEngine> jit_;
  std::string error_;
};

}  // namespace vm::bench_engine
