#include <catch2/catch.hpp>

#include <cstring>
#include <initializer_list>
#include <vector>

#include "rv_encode.hpp"
#include "vm/cross_arch/frontend.hpp"
#include "vm/engine/interpreter.hpp"

using namespace vm::engine;
using vm::cross_arch::TrapCause;
using vm::mem::kPermExec;
using vm::mem::kPermRead;
using vm::mem::kPermWrite;

namespace {

constexpr std::uint64_t kCode = 0x10000;
constexpr std::uint64_t kData = 0x20000;

struct Machine {
  std::unique_ptr<vm::mem::UserAddressSpace> as;
  CpuState cpu;
  std::unique_ptr<Interpreter> interp;

  explicit Machine(std::initializer_list<std::uint32_t> code, unsigned max_block = 64) {
    as = std::move(*vm::mem::UserAddressSpace::create({.va_bits = 32}));
    REQUIRE(as->map_fixed(kCode, 0x1000, kPermRead | kPermExec));
    REQUIRE(as->map_fixed(kData, 0x2000, kPermRead | kPermWrite));
    std::vector<std::uint8_t> bytes(code.size() * 4);
    std::memcpy(bytes.data(), code.begin(), bytes.size());
    REQUIRE(as->write(kCode, bytes, /*force=*/true) == vm::mem::AccessFault::kNone);
    cpu.pc = kCode;
    InterpreterOptions options;
    options.max_block_insns = max_block;
    interp = std::make_unique<Interpreter>(*as, options);
  }
  HaltReason run(std::uint64_t max = ~0ull) { return interp->run(cpu, max); }
};

}  // namespace

TEST_CASE("a counted loop retires exactly the expected instructions", "[interp]") {
  // x5 = 1000; loop: x6 += x5; x5 -= 1; bne x5, x0, loop; ecall
  Machine m({rv::addi(5, 0, 1000), rv::add(6, 6, 5), rv::addi(5, 5, -1), rv::bne(5, 0, -8), rv::ecall()});
  REQUIRE(m.run() == HaltReason::kEcall);
  CHECK(m.cpu.x(6) == 500500);
  CHECK(m.cpu.x(5) == 0);
  CHECK(m.cpu.pc == kCode + 16);
  CHECK(m.cpu.instret == 1 + 3 * 1000 + 1);
  CHECK(m.interp->stats().blocks_translated == 3);
}

TEST_CASE("writes to x0 are discarded", "[interp]") {
  Machine m({rv::addi(0, 0, 5), rv::add(7, 0, 0), rv::ecall()});
  REQUIRE(m.run() == HaltReason::kEcall);
  CHECK(m.cpu.x(0) == 0);
  CHECK(m.cpu.x(7) == 0);
}

TEST_CASE("loads and stores reach guest memory", "[interp]") {
  Machine m({rv::lui(10, kData >> 12), rv::addi(11, 0, -3), rv::sd(11, 10, 8), rv::ld(12, 10, 8), rv::ecall()});
  REQUIRE(m.run() == HaltReason::kEcall);
  CHECK(m.cpu.x(12) == static_cast<std::uint64_t>(-3));
  std::uint64_t v = 0;
  REQUIRE(m.as->read(kData + 8, {reinterpret_cast<std::uint8_t*>(&v), 8}) == vm::mem::AccessFault::kNone);
  CHECK(v == static_cast<std::uint64_t>(-3));
}

TEST_CASE("a wild store faults precisely", "[interp]") {
  Machine m({rv::addi(10, 0, 0x10), rv::addi(11, 0, 1), rv::sd(11, 10, 0), rv::addi(12, 0, 1), rv::ecall()});
  REQUIRE(m.run() == HaltReason::kFault);
  const Trap& t = m.interp->last_trap();
  CHECK(t.cause == static_cast<std::uint64_t>(TrapCause::kStorePageFault));
  CHECK(t.tval == 0x10);
  CHECK(t.pc == kCode + 8);
  CHECK(m.cpu.pc == kCode + 8);
  CHECK(m.cpu.instret == 2);  // the faulting store did not retire
  CHECK(m.cpu.x(12) == 0);    // nothing after it ran
}

TEST_CASE("a store to read-only code faults; a load past the address space faults", "[interp]") {
  Machine m({rv::lui(10, kCode >> 12), rv::sd(0, 10, 0), rv::ecall()});
  REQUIRE(m.run() == HaltReason::kFault);
  CHECK(m.interp->last_trap().cause == static_cast<std::uint64_t>(TrapCause::kStorePageFault));
  Machine m2({rv::addi(10, 0, -8), rv::ld(11, 10, 0), rv::ecall()});
  REQUIRE(m2.run() == HaltReason::kFault);
  CHECK(m2.interp->last_trap().cause == static_cast<std::uint64_t>(TrapCause::kLoadPageFault));
  CHECK(m2.interp->last_trap().tval == ~std::uint64_t{7});
}

TEST_CASE("an illegal instruction traps with its bits", "[interp]") {
  Machine m({rv::addi(5, 0, 1), 0xffffffff, rv::ecall()});
  REQUIRE(m.run() == HaltReason::kFault);
  CHECK(m.interp->last_trap().cause == static_cast<std::uint64_t>(TrapCause::kIllegalInsn));
  CHECK(m.interp->last_trap().tval == 0xffffffff);
  CHECK(m.cpu.pc == kCode + 4);
  CHECK(m.cpu.instret == 1);
}

TEST_CASE("ebreak reports a breakpoint at its pc", "[interp]") {
  Machine m({rv::ebreak()});
  REQUIRE(m.run() == HaltReason::kBreakpoint);
  CHECK(m.interp->last_trap().cause == static_cast<std::uint64_t>(TrapCause::kBreakpoint));
  CHECK(m.cpu.pc == kCode);
  CHECK(m.cpu.instret == 0);
}

TEST_CASE("executing unmapped memory faults at the fetch address", "[interp]") {
  Machine m({rv::ecall()});
  m.cpu.pc = 0x50000;
  REQUIRE(m.run() == HaltReason::kFault);
  CHECK(m.interp->last_trap().cause == static_cast<std::uint64_t>(TrapCause::kInsnPageFault));
  CHECK(m.interp->last_trap().tval == 0x50000);
  CHECK(m.interp->stats().cached_blocks == 0);  // fault blocks are not cached
}

TEST_CASE("data pages are not executable", "[interp]") {
  Machine m({rv::ecall()});
  m.cpu.pc = kData;
  REQUIRE(m.run() == HaltReason::kFault);
  CHECK(m.interp->last_trap().cause == static_cast<std::uint64_t>(TrapCause::kInsnPageFault));
}

TEST_CASE("the instruction limit stops at a block boundary", "[interp]") {
  Machine m({rv::addi(5, 0, 1000), rv::addi(5, 5, -1), rv::bne(5, 0, -4), rv::ecall()});
  REQUIRE(m.run(100) == HaltReason::kInstructionLimit);
  CHECK(m.cpu.instret >= 100);
  CHECK(m.cpu.instret < 100 + 2);
  REQUIRE(m.run() == HaltReason::kEcall);
  CHECK(m.cpu.instret == 1 + 2 * 1000 + 1);
}

TEST_CASE("fence.i retires and asks for invalidation", "[interp]") {
  Machine m({rv::addi(5, 0, 1), rv::fence_i(), rv::ecall()});
  REQUIRE(m.run() == HaltReason::kCodeInvalidated);
  CHECK(m.cpu.pc == kCode + 8);
  CHECK(m.cpu.instret == 2);
  m.interp->flush_code_cache();
  REQUIRE(m.run() == HaltReason::kEcall);
  CHECK(m.interp->stats().cache_flushes == 1);
}

TEST_CASE("division corner cases follow the ISA", "[interp]") {
  Machine m({rv::addi(5, 0, 7), rv::div(6, 5, 0), rv::lui(7, 0x80000), rv::addi(8, 0, -1),
             // x9 = INT64_MIN: slli x9, x7, 32
             rv::i(32, 7, 1, 9, 0x13), rv::div(10, 9, 8), rv::ecall()});
  REQUIRE(m.run() == HaltReason::kEcall);
  CHECK(m.cpu.x(6) == ~std::uint64_t{0});
  CHECK(m.cpu.x(10) == 0x8000000000000000ull);
}

TEST_CASE("CSRs: fflags round trip, instret exact mid-block, counters read-only", "[interp][csr]") {
  Machine m({rv::addi(5, 0, 0x1f), rv::csrrw(0, 0x001, 5), rv::csrrs(6, 0x003, 0), rv::csrrs(7, 0xC02, 0),
             rv::csrrw(0, 0xC00, 5)});
  REQUIRE(m.run() == HaltReason::kFault);
  CHECK(m.cpu.x(6) == 0x1f);
  CHECK(m.cpu.fcsr == 0x1f);
  CHECK(m.cpu.x(7) == 3);  // three instructions retired before the read
  CHECK(m.interp->last_trap().cause == static_cast<std::uint64_t>(TrapCause::kIllegalInsn));
  CHECK(m.cpu.pc == kCode + 16);
}

TEST_CASE("AMOs: add returns the old value; misaligned faults", "[interp][amo]") {
  Machine m({rv::lui(10, kData >> 12), rv::addi(11, 0, 5), rv::amoadd_w(12, 10, 11), rv::amoadd_w(13, 10, 11),
             rv::addi(10, 10, 2), rv::amoadd_w(14, 10, 11)});
  REQUIRE(m.run() == HaltReason::kFault);
  CHECK(m.cpu.x(12) == 0);
  CHECK(m.cpu.x(13) == 5);
  CHECK(m.interp->last_trap().cause == static_cast<std::uint64_t>(TrapCause::kStoreMisaligned));
  CHECK(m.interp->last_trap().tval == kData + 2);
}

TEST_CASE("LR/SC: success after LR, failure without", "[interp][amo]") {
  Machine m({rv::lui(10, kData >> 12), rv::addi(11, 0, 9), rv::sc_d(12, 10, 11), rv::lr_d(13, 10), rv::sc_d(14, 10, 11),
             rv::sc_d(15, 10, 11), rv::ld(16, 10, 0), rv::ecall()});
  REQUIRE(m.run() == HaltReason::kEcall);
  CHECK(m.cpu.x(12) == 1);
  CHECK(m.cpu.x(14) == 0);
  CHECK(m.cpu.x(15) == 1);
  CHECK(m.cpu.x(16) == 9);
}
