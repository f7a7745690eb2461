// Region exits go on to other compiled code without returning to the
// engine (chain_stubs.hpp): direct exits through the target's translation
// slot, indirect ones through the dispatcher's jump cache. Counted by
// JitStats::compiled_code_entries: without chaining, each of these loops
// would come back to the engine at every iteration.
#include <catch2/catch.hpp>

#include <memory>
#include <vector>

#include "engine_test_support.hpp"
#include "rv_encode.hpp"
#include "vm/engine/jit_engine.hpp"
#include "vm/mem/user_address_space.hpp"

namespace {

using namespace vm::engine;

constexpr std::uint64_t kCode = 0x10000;
constexpr std::uint64_t kIterations = 1000;

// Runs `code` from kCode with x10 = kIterations and x14 = `x14` in the
// interpreter and in jit mode (test::run_jit_like_interpreter).
JitStats run_loop(const std::vector<std::uint32_t>& code, std::uint64_t x14) {
  auto memory = test::memory_with_code(code, kCode);
  CpuState cpu;
  return test::run_jit_like_interpreter(
      *memory,
      [x14](CpuState& c) {
        c.pc = kCode;
        c.x(10) = kIterations;
        c.x(14) = x14;
      },
      cpu);
}

}  // namespace

TEST_CASE("a loop over more blocks than one region holds chains between its regions", "[jit][region]") {
  // Six blocks joined by direct jumps; jit-mode regions hold at most four.
  //   0..39: five times { addi x12, x12, 1; jal x0, +4 }
  //   40:    addi x10, x10, -1
  //   44:    bne  x10, x0, -44    -> 0
  //   48:    ecall
  std::vector<std::uint32_t> code;
  for (int b = 0; b < 5; ++b) {
    code.push_back(rv::addi(12, 12, 1));
    code.push_back(rv::jal(0, 4));
  }
  code.insert(code.end(), {rv::addi(10, 10, -1), rv::bne(10, 0, -44), rv::ecall()});
  const JitStats stats = run_loop(code, 0);
  CHECK(stats.blocks_compiled >= 2);
  // The first entries compile the regions one by one as they are reached.
  CHECK(stats.compiled_code_entries <= 2 * stats.blocks_compiled);
}

TEST_CASE("an indirect jump out of a region chains through the jump cache", "[jit][region]") {
  //   0:  addi x10, x10, -1
  //   4:  jalr x0, 0(x14)       -> 12 (no profile in jit mode: it leaves the region)
  //   8:  ecall
  //   12: bne  x10, x0, -12     -> 0
  //   16: ecall
  const JitStats stats =
      run_loop({rv::addi(10, 10, -1), rv::jalr(0, 14, 0), rv::ecall(), rv::bne(10, 0, -12), rv::ecall()}, kCode + 12);
  CHECK(stats.blocks_compiled >= 2);
  CHECK(stats.compiled_code_entries <= 2 * stats.blocks_compiled);
}
