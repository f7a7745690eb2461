// Tiered mode's choices of what to compile: which blocks a region takes in
// (blocks that ran twice, an indirect jump's seen targets once they ran),
// and which queued regions a compiler thread takes next (compile_priority,
// sort_for_batching, batch_size); and jit mode's prediction of returns.
#include <catch2/catch.hpp>

#include <functional>
#include <memory>
#include <vector>

#include "engine_test_support.hpp"
#include "jit/compile_batch.hpp"
#include "jit/runtime.hpp"
#include "rv_encode.hpp"
#include "vm/engine/interpreter.hpp"
#include "vm/engine/jit_engine.hpp"
#include "vm/mem/user_address_space.hpp"

namespace {

using namespace vm::engine;

constexpr std::uint64_t kCode = 0x10000;

std::unique_ptr<vm::mem::UserAddressSpace> memory_with(const std::vector<std::uint32_t>& code) {
  return test::memory_with_code(code, kCode);
}

// A two-handler dispatch loop, like a bytecode interpreter's: x10 counts to
// x11, and an indirect jump picks the handler by x10's low bit (x14 holds
// the handlers' base, kCode + 24).
//   0: andi x13, x10, 1
//   4: slli x13, x13, 3
//   8: add  x13, x13, x14
//  12: jalr x0, 0(x13)      -> 24 or 32
//  16: ecall
//  20: ecall
//  24: addi x12, x12, 1     handler A
//  28: jal  x0, 8           -> 36
//  32: addi x12, x12, 5     handler B, falls through
//  36: addi x10, x10, 1
//  40: blt  x10, x11, -40   -> 0
//  44: jal  x0, -28         -> 16
std::vector<std::uint32_t> dispatch_loop() {
  return {rv::i(1, 10, 7, 13, 0x13),
          rv::i(3, 13, 1, 13, 0x13),
          rv::add(13, 13, 14),
          rv::jalr(0, 13, 0),
          rv::ecall(),
          rv::ecall(),
          rv::addi(12, 12, 1),
          rv::jal(0, 8),
          rv::addi(12, 12, 5),
          rv::addi(10, 10, 1),
          rv::blt(10, 11, -40),
          rv::jal(0, -28)};
}

// Runs the program from `start` to its ecall in the interpreter (`expected`)
// and in a tiered engine that compiles at `threshold`: `warm_up`
// instructions queue the hot loop (the last kMaxUncheckedInsns of a run are
// always interpreted), then the rest runs once its region is published.
struct TieredRun {
  CpuState expected, cpu;
  JitStats stats;
};
TieredRun run_tiered_after_warm_up(vm::mem::UserAddressSpace& memory, const std::function<void(CpuState&)>& start,
                                   unsigned threshold, std::uint64_t warm_up) {
  TieredRun r;
  start(r.expected);
  Interpreter interpreter(memory);
  REQUIRE(interpreter.run(r.expected, ~std::uint64_t{0}) == HaltReason::kEcall);
  JitOptions options;
  options.tiered = true;
  options.threshold = threshold;
  auto engine = JitEngine::create(memory, options);
  REQUIRE(engine);
  start(r.cpu);
  REQUIRE((*engine)->run(r.cpu, warm_up) == HaltReason::kInstructionLimit);
  (*engine)->wait_for_compiles();
  REQUIRE((*engine)->run(r.cpu, ~std::uint64_t{0}) == HaltReason::kEcall);
  r.stats = (*engine)->stats();
  return r;
}

// dispatch_loop's start: 1000 iterations.
void start_dispatch_loop(CpuState& cpu) {
  cpu.pc = kCode;
  cpu.x(11) = 1000;
  cpu.x(14) = kCode + 24;
}

}  // namespace

TEST_CASE("an indirect jump to targets the interpreter saw stays inside the region", "[jit][region][tiered]") {
  auto memory = memory_with(dispatch_loop());
  // At 16 runs of the dispatch block both handlers have run often.
  const auto [expected, cpu, s] = run_tiered_after_warm_up(*memory, start_dispatch_loop, 16, 200);
  CHECK(cpu.x(12) == expected.x(12));
  CHECK(cpu.x(10) == 1000);
  CHECK(cpu.instret == expected.instret);
  CHECK(cpu.pc == expected.pc);
  // Both handlers were compiled into the loop's region: had the indirect
  // jump left it, the dispatcher would have run and compiled them apart.
  CHECK(s.blocks_compiled == 1);
  CHECK(s.insns_interpreted < 100);
}

TEST_CASE("a tiered region leaves out a successor that ran only once", "[jit][region][tiered]") {
  //   0: bge  x13, x15, 8        -> 8 once x13 reaches x15
  //   4: addi x12, x12, 100      the side path: the first x15 iterations
  //   8: addi x12, x12, 1
  //  12: addi x13, x13, 1
  //  16: blt  x13, x11, -16      -> 0
  //  20: ecall
  // Blocks: 0 (1 instruction), 4 (4) and 8 (3). A side path that ran once
  // by the time the loop got hot (start-up code, the first iteration's
  // special case) stays an exit; one that ran twice is compiled in.
  auto memory = memory_with({rv::bge(13, 15, 8), rv::addi(12, 12, 100), rv::addi(12, 12, 1), rv::addi(13, 13, 1),
                             rv::blt(13, 11, -16), rv::ecall()});
  for (std::uint64_t side_runs : {1u, 2u}) {
    const auto start = [&](CpuState& cpu) {
      cpu.pc = kCode;
      cpu.x(11) = 1000;
      cpu.x(15) = side_runs;
    };
    // At 16 runs of block 0 the loop's other blocks have run too.
    const auto [expected, cpu, s] = run_tiered_after_warm_up(*memory, start, 16, 300);
    CHECK(cpu.x(12) == expected.x(12));
    CHECK(cpu.instret == expected.instret);
    CHECK(s.blocks_compiled == 1);
    CHECK(s.region_guest_insns == (side_runs == 1 ? 4u : 8u));
  }
}

TEST_CASE("an indirect jump's target that ran once joins the region", "[jit][region][tiered]") {
  // dispatch_loop with the handler picked by x10 == 0: B runs on the first
  // iteration only.
  //   0: sltiu x13, x10, 1
  //   4: slli  x13, x13, 3
  //   8: add   x13, x13, x14
  //  12: jalr  x0, 0(x13)      -> 24 (A), or 32 (B) the first time
  //  ...       as dispatch_loop
  // Blocks: 0 (4 instructions), A at 24 (2), 36 after A's jal (2), B at 32
  // (3). A dispatch loop's rare case left out would leave the region on
  // every visit; a direct successor run once stays out (see above).
  std::vector<std::uint32_t> code = dispatch_loop();
  code[0] = rv::i(1, 10, 3, 13, 0x13);
  auto memory = memory_with(code);
  const auto [expected, cpu, s] = run_tiered_after_warm_up(*memory, start_dispatch_loop, 16, 200);
  CHECK(cpu.x(12) == expected.x(12));
  CHECK(cpu.instret == expected.instret);
  CHECK(s.blocks_compiled == 1);
  CHECK(s.region_guest_insns == 11);
}

TEST_CASE("a queued region whose loop stopped running yields to one still running", "[jit][tiered]") {
  // fp_nbody at its first compile: the matrix multiply asked 107 times and
  // then stopped while the n-body loop asked 47 times, the last just now.
  using jit::CodeEntry;
  CodeEntry finished, running;
  finished.heat = 107;
  finished.last_hot = 10;
  running.heat = 47;
  running.last_hot = 57;
  CHECK(running.compile_priority(57) > finished.compile_priority(57));
  // Among loops asking as recently, the hotter goes first.
  CodeEntry cooler;
  cooler.heat = 20;
  cooler.last_hot = 57;
  CHECK(running.compile_priority(57) > cooler.compile_priority(57));
  // Not yet asked again since queued: nothing to go on (queue order).
  CodeEntry fresh;
  fresh.last_hot = 57;
  CHECK(fresh.compile_priority(57) == 0);
}

TEST_CASE("a compile batch keeps hot small regions together and waits for nothing else", "[jit][tiered]") {
  using jit::batch_size;
  using jit::QueuedRegion;
  // Two hot small loops share a module; a start-up region that never
  // asked again does not ride along with them (int_mix's sieve loop waited
  // 28 ms for libc's start-up code that way).
  CHECK(batch_size({{5, 4}, {2, 10}, {0, 49}}) == 2);
  // Nothing asked again: small regions still share a module.
  CHECK(batch_size({{0, 4}, {0, 10}, {0, 20}}) == 3);
  // A large region goes alone, and a small one does not wait behind it.
  CHECK(batch_size({{5, 200}, {4, 4}}) == 1);
  CHECK(batch_size({{5, 4}, {4, 200}}) == 1);
  // Parked regions are not compiled, and stop the batch.
  CHECK(batch_size({{0, 4, true}}) == 0);
  CHECK(batch_size({{5, 4}, {0, 4, true}, {1, 4}}) == 1);
  CHECK(batch_size({}) == 0);
}

TEST_CASE("regions waiting to compile are ordered for batching", "[jit][tiered]") {
  // A parked region queued first does not hide the others (the compiler
  // thread found an empty batch and spun); otherwise priority, then queue
  // order.
  std::vector<jit::QueuedRegion> queue{{0, 49, true, 0}, {0, 10, false, 1}, {3, 4, false, 2}, {3, 8, false, 3}};
  jit::sort_for_batching(queue);
  std::vector<std::size_t> order;
  for (const jit::QueuedRegion& q : queue) order.push_back(q.index);
  CHECK(order == std::vector<std::size_t>{2, 3, 1, 0});
  CHECK(jit::batch_size(queue) == 2);
  std::vector<jit::QueuedRegion> rest{{0, 49, true, 0}, {0, 10, false, 1}};
  jit::sort_for_batching(rest);
  CHECK(jit::batch_size(rest) == 1);
  CHECK(rest[0].index == 1);
}

TEST_CASE("without a profile, a function's return goes back to its caller inside the region", "[jit][region]") {
  //   0: addi x10, x10, -1
  //   4: jal  x1, 16          call -> 20
  //   8: addi x12, x12, 3     the return site
  //  12: blt  x0, x10, -12    -> 0
  //  16: ecall
  //  20: addi x13, x13, 1     the function
  //  24: jalr x0, 0(x1)       ret
  // Jit mode has no profile: the region at 0 predicts that the return goes
  // back to the call it holds, so the whole loop is one region. Without
  // the prediction the return left it and the return site became a second
  // region.
  auto memory = memory_with({rv::addi(10, 10, -1), rv::jal(1, 16), rv::addi(12, 12, 3), rv::blt(0, 10, -12),
                             rv::ecall(), rv::addi(13, 13, 1), rv::jalr(0, 1, 0)});
  CpuState cpu;
  const JitStats stats = test::run_jit_like_interpreter(
      *memory,
      [](CpuState& c) {
        c.pc = kCode;
        c.x(10) = 100;
      },
      cpu);
  CHECK(cpu.x(12) == 300);
  CHECK(stats.blocks_compiled == 1);
}
