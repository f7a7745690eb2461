// Set-up shared by the engine tests that run hand-encoded guest code.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <vector>

#include "vm/engine/interpreter.hpp"
#include "vm/engine/jit_engine.hpp"
#include "vm/mem/user_address_space.hpp"

namespace vm::engine::test {

// An address space with `code` on a read/execute page at `code_at` and, if
// `data_size` is not 0, read/write pages at `data_at`.
inline std::unique_ptr<mem::UserAddressSpace> memory_with_code(const std::vector<std::uint32_t>& code,
                                                               std::uint64_t code_at, std::uint64_t data_at = 0,
                                                               std::uint64_t data_size = 0) {
  auto memory = mem::UserAddressSpace::create();
  REQUIRE(memory);
  REQUIRE((*memory)->map_fixed(code_at, 0x1000, mem::kPermRead | mem::kPermExec));
  if (data_size != 0) REQUIRE((*memory)->map_fixed(data_at, data_size, mem::kPermRead | mem::kPermWrite));
  std::vector<std::uint8_t> bytes(code.size() * 4);
  std::memcpy(bytes.data(), code.data(), bytes.size());
  (*memory)->write(code_at, bytes, /*force=*/true);
  return std::move(*memory);
}

// The LLVM tier without the baseline tier in front, compiling a block the
// first time it runs (or queueing it, when `tiered`) at `opt`.
inline std::unique_ptr<JitEngine> llvm_engine(mem::UserAddressSpace& memory, bool tiered, unsigned opt) {
  JitOptions options;
  options.tiered = tiered;
  options.threshold = 1;
  options.baseline = false;
  options.opt_level = opt;
  auto engine = JitEngine::create(memory, options);
  REQUIRE(engine);
  return std::move(*engine);
}

// Runs `memory`'s program from the state `start` sets up to its ecall in
// the interpreter and in jit mode (every block compiled before it runs),
// checks that both leave the same registers, pc and instruction count, and
// returns the jit engine's statistics and final state.
inline JitStats run_jit_like_interpreter(mem::UserAddressSpace& memory, const std::function<void(CpuState&)>& start,
                                         CpuState& cpu) {
  CpuState expected;
  start(expected);
  Interpreter interpreter(memory);
  REQUIRE(interpreter.run(expected, ~std::uint64_t{0}) == HaltReason::kEcall);
  JitOptions options;
  options.tiered = false;
  auto engine = JitEngine::create(memory, options);
  REQUIRE(engine);
  cpu = CpuState{};
  start(cpu);
  REQUIRE((*engine)->run(cpu, ~std::uint64_t{0}) == HaltReason::kEcall);
  for (unsigned r = 1; r < 32; ++r) CHECK(cpu.x(r) == expected.x(r));
  CHECK(cpu.pc == expected.pc);
  CHECK(cpu.instret == expected.instret);
  return (*engine)->stats();
}

}  // namespace vm::engine::test
