// JitEngine on hand-written guest code: a trap in the middle of a compiled
// block is precise, tiered mode publishes background compiles and then runs
// compiled code, and a flush makes rewritten code visible.
#include <catch2/catch.hpp>

#include <cstring>
#include <memory>
#include <vector>

#include "vm/engine/jit_engine.hpp"
#include "vm/mem/user_address_space.hpp"

namespace {

using namespace vm::engine;

constexpr std::uint64_t kCode = 0x10000;

std::uint32_t addi(unsigned rd, unsigned rs1, int imm) {
  return (static_cast<std::uint32_t>(imm & 0xfff) << 20) | (rs1 << 15) | (rd << 7) | 0x13u;
}
std::uint32_t ld(unsigned rd, unsigned rs1, int imm) {
  return (static_cast<std::uint32_t>(imm & 0xfff) << 20) | (rs1 << 15) | (3u << 12) | (rd << 7) | 0x03u;
}
constexpr std::uint32_t kEcall = 0x73;

std::unique_ptr<vm::mem::UserAddressSpace> memory_with(const std::vector<std::uint32_t>& code) {
  auto memory = vm::mem::UserAddressSpace::create();
  REQUIRE(memory);
  REQUIRE((*memory)->map_fixed(kCode, 0x1000, vm::mem::kPermRead | vm::mem::kPermExec));
  std::vector<std::uint8_t> bytes(code.size() * 4);
  std::memcpy(bytes.data(), code.data(), bytes.size());
  (*memory)->write(kCode, bytes, /*force=*/true);
  return std::move(*memory);
}

std::unique_ptr<JitEngine> make_engine(vm::mem::UserAddressSpace& memory, bool tiered, unsigned opt) {
  JitOptions options;
  options.tiered = tiered;
  options.threshold = 1;
  options.opt_level = opt;
  auto engine = JitEngine::create(memory, options);
  REQUIRE(engine);
  return std::move(*engine);
}

}  // namespace

TEST_CASE("a fault in the middle of a compiled block is precise", "[jit]") {
  // x5 = 7; x6 = 9; x7 = ld 0(x6) -> load page fault at address 9; x8 = 1
  auto memory = memory_with({addi(5, 0, 7), addi(6, 0, 9), ld(7, 6, 0), addi(8, 0, 1), kEcall});
  for (unsigned opt : {0u, 2u}) {
    auto engine = make_engine(*memory, false, opt);
    CpuState cpu;
    cpu.pc = kCode;
    cpu.x(7) = 0x77;
    const HaltReason r = engine->run(cpu, 1000);
    CHECK(r == HaltReason::kFault);
    CHECK(engine->last_trap().cause == 13);  // load page fault
    CHECK(engine->last_trap().tval == 9);
    CHECK(engine->last_trap().pc == kCode + 8);
    CHECK(cpu.pc == kCode + 8);
    CHECK(cpu.instret == 2);
    CHECK(cpu.x(5) == 7);
    CHECK(cpu.x(6) == 9);
    CHECK(cpu.x(7) == 0x77);  // the faulting load wrote nothing
    CHECK(cpu.x(8) == 0);
    CHECK(engine->stats().insns_compiled_code == 2);
  }
}

TEST_CASE("tiered mode runs compiled code once it is published", "[jit][tiered]") {
  auto memory = memory_with({addi(10, 10, 1), kEcall});
  auto engine = make_engine(*memory, true, 1);
  CpuState cpu;
  cpu.pc = kCode;
  CHECK(engine->run(cpu, 1000) == HaltReason::kEcall);  // interpreted; queues the block
  engine->wait_for_compiles();
  CHECK(engine->stats().blocks_compiled == 1);
  cpu.pc = kCode;
  CHECK(engine->run(cpu, 1000) == HaltReason::kEcall);
  CHECK(cpu.x(10) == 2);
  CHECK(cpu.instret == 4);
  const JitStats s = engine->stats();
  CHECK(s.insns_interpreted == 2);
  CHECK(s.insns_compiled_code == 2);
}

TEST_CASE("flushing the code cache makes rewritten code visible", "[jit]") {
  auto memory = memory_with({addi(10, 0, 1), kEcall});
  for (bool tiered : {false, true}) {
    auto engine = make_engine(*memory, tiered, 0);
    CpuState cpu;
    for (int round = 0; round < 3; ++round) {
      cpu.pc = kCode;
      REQUIRE(engine->run(cpu, 1000) == HaltReason::kEcall);
      engine->wait_for_compiles();
    }
    CHECK(cpu.x(10) == 1);
    const std::uint32_t patched = addi(10, 0, 42);
    std::uint8_t bytes[4];
    std::memcpy(bytes, &patched, 4);
    memory->write(kCode, bytes, /*force=*/true);
    engine->flush_code_cache();
    cpu.pc = kCode;
    REQUIRE(engine->run(cpu, 1000) == HaltReason::kEcall);
    CHECK(cpu.x(10) == 42);
    // Restore for the next engine.
    const std::uint32_t original = addi(10, 0, 1);
    std::memcpy(bytes, &original, 4);
    memory->write(kCode, bytes, /*force=*/true);
  }
}
