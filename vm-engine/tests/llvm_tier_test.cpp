// The LLVM tier (libvm-engine-llvm.so, and libLLVM with it) is loaded only
// when the first region must be compiled. Hidden tag: the test needs a
// process that has not loaded it yet, so CTest runs it on its own
// (vm_engine_tests.lazy_llvm).
#include <catch2/catch.hpp>

#include <link.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "vm/engine/jit_engine.hpp"
#include "vm/mem/user_address_space.hpp"

namespace {

using namespace vm::engine;

constexpr std::uint64_t kCode = 0x10000;

// Whether a shared object whose path contains `part` is mapped.
bool loaded(const char* part) {
  struct Search {
    const char* part;
    bool found = false;
  } search{part};
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* data) {
        auto* s = static_cast<Search*>(data);
        if (info->dlpi_name && std::strstr(info->dlpi_name, s->part)) s->found = true;
        return 0;
      },
      &search);
  return search.found;
}

std::unique_ptr<vm::mem::UserAddressSpace> memory_with_increment_and_ecall() {
  auto memory = vm::mem::UserAddressSpace::create();
  REQUIRE(memory);
  REQUIRE((*memory)->map_fixed(kCode, 0x1000, vm::mem::kPermRead | vm::mem::kPermExec));
  const std::uint32_t code[] = {0x00150513u /* addi a0, a0, 1 */, 0x00000073u /* ecall */};
  std::vector<std::uint8_t> bytes(sizeof code);
  std::memcpy(bytes.data(), code, sizeof code);
  (*memory)->write(kCode, bytes, /*force=*/true);
  return std::move(*memory);
}

// Runs the block `runs` times in a tiered engine with the given threshold.
JitStats run_tiered(vm::mem::UserAddressSpace& memory, unsigned threshold, int runs) {
  JitOptions options;
  options.threshold = threshold;
  options.baseline = false;  // interpreter -> LLVM, as counted below
  auto engine = JitEngine::create(memory, options);
  REQUIRE(engine);
  CpuState cpu;
  for (int i = 0; i < runs; ++i) {
    cpu.pc = kCode;
    REQUIRE((*engine)->run(cpu, 1000) == HaltReason::kEcall);
  }
  (*engine)->wait_for_compiles();
  return (*engine)->stats();
}

}  // namespace

TEST_CASE("the LLVM tier is loaded only when a region is compiled", "[.][llvm_tier]") {
  REQUIRE_FALSE(loaded("libvm-engine-llvm"));
  REQUIRE_FALSE(loaded("libLLVM"));
  auto memory = memory_with_increment_and_ecall();

  // Cold code: the interpreter runs it, and nothing loads LLVM (creating the
  // tiered engine starts its compiler thread, but not the compiler).
  const JitStats cold = run_tiered(*memory, 50, 3);
  CHECK(cold.blocks_compiled == 0);
  CHECK(cold.insns_interpreted == 6);
  CHECK_FALSE(loaded("libvm-engine-llvm"));
  CHECK_FALSE(loaded("libLLVM"));

  // A block that gets hot is compiled on the worker, which loads the tier.
  const JitStats hot = run_tiered(*memory, 2, 3);
  CHECK(hot.blocks_compiled == 1);
  CHECK(hot.compile_failures == 0);
  CHECK(loaded("libvm-engine-llvm"));
  // The module carries its LLVM components: libLLVM is never mapped.
  CHECK_FALSE(loaded("libLLVM"));
}

// CTest runs this with VM_ENGINE_LLVM_MODULE naming a file that does not
// exist (vm_engine_tests.missing_llvm).
TEST_CASE("without the LLVM tier, tiered mode interprets and jit mode says why", "[.][llvm_tier_missing]") {
  auto memory = memory_with_increment_and_ecall();
  JitOptions options;
  options.threshold = 1;
  options.baseline = false;
  auto engine = JitEngine::create(*memory, options);
  REQUIRE(engine);
  CpuState cpu;
  for (int i = 0; i < 4; ++i) {
    cpu.pc = kCode;
    REQUIRE((*engine)->run(cpu, 1000) == HaltReason::kEcall);
    (*engine)->wait_for_compiles();
  }
  CHECK(cpu.x(10) == 4);
  const JitStats s = (*engine)->stats();
  CHECK(s.blocks_compiled == 0);
  CHECK(s.compile_failures == 1);  // the one block that got hot
  CHECK(s.insns_interpreted == 8);

  options.tiered = false;
  auto jit = JitEngine::create(*memory, options);
  REQUIRE_FALSE(jit);
  const std::string& message = jit.error().message();
  INFO(message);
  CHECK(message.find("cannot load the LLVM JIT tier") != std::string::npos);
  CHECK(message.find("/nonexistent/libvm-engine-llvm.so") != std::string::npos);
  CHECK(message.find("No such file") != std::string::npos);
}

// Destroying the engine right after a block got hot catches its compiler
// thread waiting to load the tier, loading it or compiling (whichever this
// process has reached): each must end cleanly and the engine's state stays
// consistent. (Run under the tsan preset for the races.)
TEST_CASE("a tiered engine stops cleanly whatever its compiler thread is doing", "[jit][tiered]") {
  auto memory = memory_with_increment_and_ecall();
  for (int round = 0; round < 20; ++round) {
    JitOptions options;
    options.threshold = 1;
    options.baseline = false;  // the block goes to LLVM as it first runs
    options.threads = 1 + round % 2;
    auto engine = JitEngine::create(*memory, options);
    REQUIRE(engine);
    CpuState cpu;
    cpu.pc = kCode;
    REQUIRE((*engine)->run(cpu, 1000) == HaltReason::kEcall);
    CHECK(cpu.x(10) == 1);
    if (round % 4 == 3) (*engine)->wait_for_compiles();
    const JitStats s = (*engine)->stats();
    CHECK(s.compile_failures == 0);
    CHECK(s.blocks_compiled <= 1);
  }
}
