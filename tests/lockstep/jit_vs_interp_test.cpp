// Differential test of the JIT against the interpreter: random RV64GC
// instruction sequences (from the lockstep generator) are written as whole
// programs and run to their first ecall or trap by both engines from the
// same state; registers, fcsr, pc, instret, the trap and the data bytes must
// be identical. Register presets are applied at the start, so later
// instructions may see clobbered bases and fault in the middle of a block:
// that exercises precise traps too. CI runs >= 10^5 instructions;
// VM_LOCKSTEP_COUNT / VM_LOCKSTEP_SEED as in lockstep_test.cpp.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "random_program.hpp"
#include "vm/engine/interpreter.hpp"
#include "vm/engine/jit_engine.hpp"
#include "vm/mem/user_address_space.hpp"

namespace {

using namespace vm::lockstep;
namespace engine = vm::engine;

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* text = std::getenv(name);
  if (!text || !*text) return fallback;
  if (std::string(text) == "random") return std::random_device{}() ^ (std::uint64_t{std::random_device{}()} << 32);
  return std::strtoull(text, nullptr, 0);
}

constexpr unsigned kProgramSlots = 48;  // instructions per generated program

// One engine's machine: its own address space with the shared layout.
struct Side {
  std::unique_ptr<vm::mem::UserAddressSpace> memory;
  engine::CpuState cpu;
};

Side make_side(const MemoryLayout& layout) {
  Side s;
  auto memory = vm::mem::UserAddressSpace::create();
  REQUIRE(memory);
  s.memory = std::move(*memory);
  REQUIRE(s.memory->map_fixed(layout.code_base, layout.code_size, vm::mem::kPermRead | vm::mem::kPermExec));
  REQUIRE(s.memory->map_fixed(layout.data_base, layout.data_size, vm::mem::kPermRead | vm::mem::kPermWrite));
  return s;
}

struct Program {
  std::vector<std::uint8_t> code;
  ArchState start;
  std::vector<RegPreset> presets;
  std::vector<std::uint8_t> data;
};

// Each program runs from several random starting states (presets applied
// again), so one compilation serves several runs and CI stays fast.
constexpr unsigned kRunsPerProgram = 8;

void restart(RandomProgram& gen, Program& p) {
  gen.randomize_registers(p.start);
  p.start.fcsr &= 0x1f;
  for (const RegPreset& r : p.presets) (r.fp ? p.start.f : p.start.x)[r.reg] = r.value;
  p.start.x[0] = 0;
  gen.randomize_bytes(p.data);
}

// Lays out kProgramSlots planned instructions, each in its own 4-byte slot
// (16-bit ones padded with c.nop) followed by an ecall.
Program generate(RandomProgram& gen, const MemoryLayout& layout) {
  Program p;
  p.start.pc = layout.code_base;
  gen.randomize_registers(p.start);
  p.start.fcsr &= 0x1f;  // keep frm valid most of the time
  p.data.resize(layout.data_size);
  gen.randomize_bytes(p.data);
  for (unsigned i = 0; i < kProgramSlots; ++i) {
    const std::uint64_t pc = layout.code_base + 4u * i;
    const PlannedInsn insn = gen.next(pc, p.start);
    for (const RegPreset& r : insn.presets) (r.fp ? p.start.f : p.start.x)[r.reg] = r.value;
    p.presets.insert(p.presets.end(), insn.presets.begin(), insn.presets.end());
    p.start.x[0] = 0;
    std::uint32_t word = insn.raw;
    if (insn.length == 2) word = (insn.raw & 0xffff) | (0x0001u << 16);  // + c.nop
    for (unsigned b = 0; b < 4; ++b) p.code.push_back(static_cast<std::uint8_t>(word >> (8 * b)));
  }
  for (std::uint32_t ecall = 0x73, b = 0; b < 4; ++b) p.code.push_back(static_cast<std::uint8_t>(ecall >> (8 * b)));
  return p;
}

void load(Side& s, const Program& p, const MemoryLayout& layout) {
  s.memory->write(layout.code_base, p.code, /*force=*/true);
  s.memory->write(layout.data_base, p.data, /*force=*/true);
  s.cpu = engine::CpuState{};
  for (unsigned r = 0; r < 32; ++r) {
    s.cpu.x(r) = p.start.x[r];
    s.cpu.f(r) = p.start.f[r];
  }
  s.cpu.pc = p.start.pc;
  s.cpu.fcsr = p.start.fcsr;
}

std::vector<std::uint8_t> data_of(const Side& s, const MemoryLayout& layout) {
  std::vector<std::uint8_t> out(layout.data_size);
  const std::uint8_t* p = s.memory->host_ptr(layout.data_base, layout.data_size, vm::mem::kPermRead);
  std::memcpy(out.data(), p, out.size());
  return out;
}

std::string describe(const engine::CpuState& c) {
  std::string s = fmt::format("pc {:#x} instret {} fcsr {:#x}\n", c.pc, c.instret, c.fcsr);
  for (unsigned r = 0; r < 32; ++r) s += fmt::format("x{}={:#x} f{}={:#x}\n", r, c.x(r), r, c.f(r));
  return s;
}

}  // namespace

TEST_CASE("JIT and interpreter agree on random programs", "[jit][lockstep]") {
  const std::uint64_t seed = env_number("VM_LOCKSTEP_SEED", 0x717e5eed);
  const std::uint64_t count = env_number("VM_LOCKSTEP_COUNT", 100000);
  const MemoryLayout layout;
  RandomProgram gen(seed, layout);
  Side interp_side = make_side(layout);
  Side jit_side[5] = {make_side(layout), make_side(layout), make_side(layout), make_side(layout), make_side(layout)};
  engine::Interpreter interpreter(*interp_side.memory);
  // Three optimisation levels: -O0 checks the lowering as written, -O1 (the
  // default: light passes, two code generators) and -O2 that LLVM's
  // optimisations keep the guest semantics (traps, flags, NaNs). The fourth
  // engine is the baseline tier alone, compiling every block as it first runs
  // and, from its second run on, the region growing from it (registers in
  // host registers, branches inside as jumps); the fifth the tiered default
  // (baseline code, then LLVM regions compiled in the background, with their
  // assumptions on divisors) at a threshold low enough that a program's
  // later runs take regions compiled from its earlier ones.
  constexpr unsigned kEngines = 5;
  std::unique_ptr<engine::JitEngine> jits[kEngines];
  std::string listing;  // IR of the blocks the JIT compiled for this program (failure reports)
  for (unsigned i = 0; i < kEngines; ++i) {
    engine::JitOptions options;
    options.tiered = false;
    options.opt_level = i;
    if (i == 3) {
      options.tiered = true;
      options.baseline_threshold = 1;
      options.threshold = 2;
      options.optimize = false;
    }
    if (i == 4) {
      options.tiered = true;
      options.opt_level = 1;
      options.baseline_threshold = 1;
      options.threshold = 2;
    }
    options.on_translate = [&listing](const vm::cross_arch::ir::Block& b) {
      listing += fmt::format("block {:#x}:\n{}", b.start_pc, vm::cross_arch::ir::print(b));
    };
    auto jit = engine::JitEngine::create(*jit_side[i].memory, options);
    REQUIRE(jit);
    jits[i] = std::move(*jit);
  }
  std::uint64_t executed = 0, programs = 0, traps = 0;
  Program p;
  unsigned which = 0;
  for (std::uint64_t run = 0; executed < count; ++run) {
    if (run % kRunsPerProgram == 0) {
      p = generate(gen, layout);
      which = (run / kRunsPerProgram) % kEngines;
      interpreter.flush_code_cache();
      jits[which]->flush_code_cache();
      listing.clear();
      ++programs;
    } else {
      restart(gen, p);
    }
    Side& js = jit_side[which];
    load(interp_side, p, layout);
    load(js, p, layout);
    const engine::HaltReason ri = interpreter.run(interp_side.cpu, 10000);
    const engine::HaltReason rj = jits[which]->run(js.cpu, 10000);
    INFO(fmt::format(
        "seed {:#x}, program {} (engine {}: -O0, -O1, -O2, baseline, tiered); interpreter:\n{}trap {} {:#x} at "
        "{:#x}\njit:\n{}trap {} {:#x} "
        "at {:#x}\n{}",
        seed, programs, which, describe(interp_side.cpu), interpreter.last_trap().cause, interpreter.last_trap().tval,
        interpreter.last_trap().pc, describe(js.cpu), jits[which]->last_trap().cause, jits[which]->last_trap().tval,
        jits[which]->last_trap().pc, listing));
    REQUIRE(static_cast<unsigned>(ri) == static_cast<unsigned>(rj));
    if (engine::any(ri, engine::HaltReason::kFault | engine::HaltReason::kBreakpoint)) {
      ++traps;
      CHECK(interpreter.last_trap().cause == jits[which]->last_trap().cause);
      CHECK(interpreter.last_trap().tval == jits[which]->last_trap().tval);
      CHECK(interpreter.last_trap().pc == jits[which]->last_trap().pc);
    }
    REQUIRE(interp_side.cpu.pc == js.cpu.pc);
    REQUIRE(interp_side.cpu.instret == js.cpu.instret);
    REQUIRE(interp_side.cpu.fcsr == js.cpu.fcsr);
    REQUIRE(interp_side.cpu.reservation == js.cpu.reservation);
    for (unsigned r = 0; r < 32; ++r) {
      REQUIRE(interp_side.cpu.x(r) == js.cpu.x(r));
      REQUIRE(interp_side.cpu.f(r) == js.cpu.f(r));
    }
    REQUIRE(data_of(interp_side, layout) == data_of(js, layout));
    executed += interp_side.cpu.instret;
  }
  const engine::JitStats tiered = jits[4]->stats();
  fmt::print(
      "jit vs interp: seed {:#x}, {} programs, {} instructions, {} ended in a trap; tiered: {} LLVM regions, {} "
      "dropped for a failed assumption\n",
      seed, programs, executed, traps, tiered.blocks_compiled, tiered.assumption_failures);
  CHECK(traps > 0);
  CHECK(tiered.blocks_compiled > 0);  // the tiered engine's later runs had LLVM regions to take
}
