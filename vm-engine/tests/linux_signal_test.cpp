// Signals: rt_sigaction bookkeeping, traps turned into signals delivered
// through a riscv64 rt signal frame, rt_sigreturn, default actions (with the
// one-line report and 128+signal status), masks, kill to self, sigaltstack.
#include <catch2/catch.hpp>

#include <signal.h>

#include <array>
#include <sstream>

#include "linux_test_support.hpp"

using namespace linux_test;
using vm::engine::Trap;

namespace {

constexpr int kSigIll = 4, kSigAbrt = 6, kSigUsr1 = 10, kSigSegv = 11, kSigChld = 17;
constexpr std::uint64_t kSaSiginfo = 4, kSaOnStack = 0x08000000, kSaNoDefer = 0x40000000, kSaResetHand = 0x80000000;
constexpr std::uint64_t kHandler = 0x10008;
constexpr std::uint64_t kSigsetSize = 8;
constexpr std::uint64_t bit(int sig) { return std::uint64_t{1} << (sig - 1); }

// Frame offsets (riscv64): siginfo at 0, ucontext at 128, uc_sigmask at
// +40, uc_mcontext at +176 (pc, x1..x31, then f0..f31 and fcsr).
constexpr std::uint64_t kUc = 128, kUcStack = kUc + 16, kUcMask = kUc + 40, kRegs = kUc + 176, kFp = kRegs + 256,
                        kFcsr = kFp + 256;

void install(TestProcess& t, int sig, std::uint64_t handler, std::uint64_t flags = kSaSiginfo, std::uint64_t mask = 0) {
  const std::uint64_t buf = t.scratch(4096);
  const std::uint64_t action[3] = {handler, flags, mask};
  t.poke(buf, action, sizeof(action));
  REQUIRE(t.call(nr::rt_sigaction, static_cast<std::uint64_t>(sig), buf, 0, kSigsetSize) == 0);
}

// Fills registers with recognisable values.
void mark_registers(CpuState& cpu) {
  for (unsigned r = 1; r < 32; ++r) {
    if (r != 2) cpu.x(r) = 0x1000 + r;
  }
  for (unsigned r = 0; r < 32; ++r) cpu.f(r) = 0x4000000000000000 + r;
  cpu.fcsr = 0x61;
}

// Runs the sigreturn trampoline the way a hart would: the handler returned to ra.
SyscallOutcome return_from_handler(TestProcess& t) {
  CpuState& cpu = t.cpu();
  const std::uint64_t trampoline = cpu.x(1);
  REQUIRE(t.peek<std::uint32_t>(trampoline) == 0x08b00893);      // li a7, 139
  REQUIRE(t.peek<std::uint32_t>(trampoline + 4) == 0x00000073);  // ecall
  REQUIRE(t.memory().check(trampoline, 8, vm::mem::kPermExec));
  cpu.pc = trampoline + 4;
  cpu.x(17) = 139;
  return t.process().handle_ecall(cpu);
}

}  // namespace

TEST_CASE("rt_sigaction stores the action and returns the old one", "[linux][signal]") {
  TestProcess t;
  REQUIRE(t.ok());
  const std::uint64_t buf = t.scratch();
  const std::uint64_t action[3] = {0x12345, kSaSiginfo | kSaNoDefer, bit(kSigUsr1) | bit(9)};
  t.poke(buf, action, sizeof(action));
  CHECK(t.call(nr::rt_sigaction, kSigSegv, buf, buf + 64, kSigsetSize) == 0);
  CHECK(t.peek<std::uint64_t>(buf + 64) == 0);  // SIG_DFL before
  CHECK(t.call(nr::rt_sigaction, kSigSegv, 0, buf + 64, kSigsetSize) == 0);
  CHECK(t.peek<std::uint64_t>(buf + 64) == 0x12345);
  CHECK(t.peek<std::uint64_t>(buf + 72) == (kSaSiginfo | kSaNoDefer));
  CHECK(t.peek<std::uint64_t>(buf + 80) == bit(kSigUsr1));  // SIGKILL cannot be masked
  CHECK(t.call(nr::rt_sigaction, 9, buf, 0, kSigsetSize) == -22);
  CHECK(t.call(nr::rt_sigaction, kSigSegv, buf, 0, 16) == -22);
  CHECK(t.call(nr::rt_sigaction, 65, buf, 0, kSigsetSize) == -22);
  CHECK(t.call(nr::rt_sigaction, kSigSegv, 0x1000, 0, kSigsetSize) == -14);
}

TEST_CASE("a fault reaches the guest handler through an rt frame, and rt_sigreturn restores", "[linux][signal]") {
  TestProcess t;
  REQUIRE(t.ok());
  install(t, kSigSegv, kHandler, kSaSiginfo, bit(kSigUsr1));
  CpuState& cpu = t.cpu();
  mark_registers(cpu);
  const std::uint64_t sp = cpu.x(2);
  const Trap trap{15, 0x10, 0x10004};  // store page fault at 0x10
  REQUIRE(t.process().handle_trap(cpu, trap) == SyscallOutcome::kContinue);

  const std::uint64_t frame = cpu.x(2);
  CHECK(cpu.pc == kHandler);
  CHECK(frame % 16 == 0);
  CHECK(frame <= sp - 1088);
  CHECK(frame > sp - 1088 - 16);
  CHECK(cpu.x(10) == kSigSegv);
  CHECK(cpu.x(11) == frame);
  CHECK(cpu.x(12) == frame + kUc);
  // siginfo: SIGSEGV, SEGV_MAPERR, si_addr.
  CHECK(t.peek<std::int32_t>(frame) == kSigSegv);
  CHECK(t.peek<std::int32_t>(frame + 8) == 1);
  CHECK(t.peek<std::uint64_t>(frame + 16) == 0x10);
  // ucontext: the interrupted state.
  CHECK(t.peek<std::uint64_t>(frame + kRegs) == 0x10004);
  CHECK(t.peek<std::uint64_t>(frame + kRegs + 8 * 1) == 0x1001);
  CHECK(t.peek<std::uint64_t>(frame + kRegs + 8 * 2) == sp);
  CHECK(t.peek<std::uint64_t>(frame + kRegs + 8 * 31) == 0x101f);
  CHECK(t.peek<std::uint64_t>(frame + kFp + 8 * 3) == 0x4000000000000003);
  CHECK(t.peek<std::uint32_t>(frame + kFcsr) == 0x61);
  CHECK(t.peek<std::uint64_t>(frame + kUcMask) == 0);
  CHECK(t.peek<std::int32_t>(frame + kUcStack + 8) == 2);  // SS_DISABLE: no alternate stack
  // During the handler SIGSEGV and sa_mask are blocked.
  const std::uint64_t buf = t.scratch(4096);
  CHECK(t.call(nr::rt_sigprocmask, 0, 0, buf, kSigsetSize) == 0);
  CHECK(t.peek<std::uint64_t>(buf) == (bit(kSigSegv) | bit(kSigUsr1)));

  // The handler skips the faulting instruction and changes a saved register.
  const std::uint64_t resume = 0x10008;
  const std::uint64_t a5 = 0x7777;
  t.poke(frame + kRegs, &resume, 8);
  t.poke(frame + kRegs + 8 * 15, &a5, 8);
  REQUIRE(return_from_handler(t) == SyscallOutcome::kContinue);
  CHECK(cpu.pc == 0x10008);
  CHECK(cpu.x(2) == sp);
  CHECK(cpu.x(1) == 0x1001);
  CHECK(cpu.x(10) == 0x100a);
  CHECK(cpu.x(15) == 0x7777);
  CHECK(cpu.x(17) == 0x1011);
  CHECK(cpu.f(31) == 0x400000000000001f);
  CHECK(cpu.fcsr == 0x61);
  CHECK(t.call(nr::rt_sigprocmask, 0, 0, buf, kSigsetSize) == 0);
  CHECK(t.peek<std::uint64_t>(buf) == 0);
}

TEST_CASE("an unhandled SIGSEGV kills with status 139 and one line", "[linux][signal]") {
  TestProcess t;
  REQUIRE(t.ok());
  StderrCapture capture;
  CHECK(t.process().handle_trap(t.cpu(), Trap{15, 0x10, 0x10434}) == SyscallOutcome::kExited);
  CHECK(t.process().exited());
  CHECK(t.process().exit_status() == 139);
  CHECK(capture.text() == "vm: guest SIGSEGV at 0x10 (pc 0x10434, store)\n");
}

TEST_CASE("trap reports name the signal and the cause", "[linux][signal]") {
  struct Case {
    Trap trap;
    int status;
    const char* line;
  };
  const Case cases[] = {
      {{13, 0x20000, 0x10000}, 139, "vm: guest SIGSEGV at 0x20000 (pc 0x10000, load)\n"},
      {{12, 0x99000, 0x99000}, 139, "vm: guest SIGSEGV at 0x99000 (pc 0x99000, execute)\n"},
      {{2, 0, 0x10434}, 132, "vm: guest SIGILL at pc 0x10434 (illegal instruction 0x00000000)\n"},
      {{3, 0x10434, 0x10434}, 133, "vm: guest SIGTRAP at pc 0x10434 (ebreak)\n"},
      {{6, 0x12003, 0x10010}, 135, "vm: guest SIGBUS at 0x12003 (pc 0x10010, misaligned atomic)\n"},
  };
  for (const Case& c : cases) {
    TestProcess t;
    REQUIRE(t.ok());
    StderrCapture capture;
    CHECK(t.process().handle_trap(t.cpu(), c.trap) == SyscallOutcome::kExited);
    CHECK(t.process().exit_status() == c.status);
    CHECK(capture.text() == c.line);
  }
}

TEST_CASE("a fault on a mapped page is SEGV_ACCERR", "[linux][signal]") {
  TestProcess t;
  REQUIRE(t.ok());
  install(t, kSigSegv, kHandler);
  REQUIRE(t.process().handle_trap(t.cpu(), Trap{15, 0x10000, 0x10004}) == SyscallOutcome::kContinue);
  CHECK(t.peek<std::int32_t>(t.cpu().x(2) + 8) == 2);
}

TEST_CASE("a blocked or ignored fault signal still kills", "[linux][signal]") {
  TestProcess t;
  REQUIRE(t.ok());
  install(t, kSigIll, 1 /*SIG_IGN*/, 0);
  StderrCapture capture;
  CHECK(t.process().handle_trap(t.cpu(), Trap{2, 0x12345678, 0x10000}) == SyscallOutcome::kExited);
  CHECK(t.process().exit_status() == 132);
  CHECK(capture.text() == "vm: guest SIGILL at pc 0x10000 (illegal instruction 0x12345678)\n");
}

TEST_CASE("kill to self runs the default action: SIGABRT ends with 134", "[linux][signal]") {
  TestProcess t;
  REQUIRE(t.ok());
  StderrCapture capture;
  const std::uint64_t pid = static_cast<std::uint64_t>(t.call(nr::getpid));
  const std::uint64_t pc = t.cpu().pc;
  t.call(nr::tgkill, pid, pid, kSigAbrt);
  CHECK(t.last_outcome() == SyscallOutcome::kExited);
  CHECK(t.process().exit_status() == 134);
  std::ostringstream line;
  line << "vm: guest SIGABRT at pc 0x" << std::hex << pc + 4 << " (sent by the guest)\n";
  CHECK(capture.text() == line.str());
}

TEST_CASE("a signal sent to a handler is delivered when the syscall returns", "[linux][signal]") {
  TestProcess t;
  REQUIRE(t.ok());
  install(t, kSigUsr1, kHandler);
  const std::uint64_t pid = static_cast<std::uint64_t>(t.call(nr::getpid));
  const std::uint64_t sp = t.cpu().x(2);
  const std::uint64_t after_ecall = t.cpu().pc + 4;
  CHECK(t.call(nr::kill, pid, kSigUsr1) == kSigUsr1);  // a0 now holds the handler's signo
  CHECK(t.cpu().pc == kHandler);
  const std::uint64_t frame = t.cpu().x(2);
  CHECK(t.peek<std::int32_t>(frame) == kSigUsr1);
  CHECK(t.peek<std::int32_t>(frame + 8) == 0);  // SI_USER
  CHECK(t.peek<std::int32_t>(frame + 16) == static_cast<std::int32_t>(pid));
  CHECK(t.peek<std::uint64_t>(frame + kRegs) == after_ecall);
  CHECK(t.peek<std::uint64_t>(frame + kRegs + 8 * 10) == 0);  // kill's result
  REQUIRE(return_from_handler(t) == SyscallOutcome::kContinue);
  CHECK(t.cpu().pc == after_ecall);
  CHECK(t.cpu().x(10) == 0);
  CHECK(t.cpu().x(2) == sp);
}

TEST_CASE("blocked signals wait until unblocked; ignored ones vanish", "[linux][signal]") {
  TestProcess t;
  REQUIRE(t.ok());
  install(t, kSigUsr1, kHandler);
  const std::uint64_t buf = t.scratch(4096);
  const std::uint64_t set = bit(kSigUsr1);
  t.poke(buf, &set, 8);
  CHECK(t.call(nr::rt_sigprocmask, 0 /*SIG_BLOCK*/, buf, 0, kSigsetSize) == 0);
  const std::uint64_t pid = static_cast<std::uint64_t>(t.call(nr::getpid));
  CHECK(t.call(nr::kill, pid, kSigUsr1) == 0);
  CHECK(t.cpu().pc != kHandler);
  CHECK(t.call(136 /*rt_sigpending*/, buf + 64, kSigsetSize) == 0);
  CHECK(t.peek<std::uint64_t>(buf + 64) == set);
  CHECK(t.call(nr::rt_sigprocmask, 1 /*SIG_UNBLOCK*/, buf, 0, kSigsetSize) == kSigUsr1);
  CHECK(t.cpu().pc == kHandler);
  // The frame remembers the mask from before the handler: unblocked again.
  CHECK(t.peek<std::uint64_t>(t.cpu().x(2) + kUcMask) == 0);
  REQUIRE(return_from_handler(t) == SyscallOutcome::kContinue);
  // SIGCHLD is ignored by default; an explicitly ignored signal is dropped.
  CHECK(t.call(nr::kill, pid, kSigChld) == 0);
  CHECK(t.last_outcome() == SyscallOutcome::kContinue);
  install(t, kSigUsr1, 1 /*SIG_IGN*/, 0);
  CHECK(t.call(nr::kill, pid, kSigUsr1) == 0);
  CHECK_FALSE(t.process().exited());
  CHECK(t.call(nr::kill, pid + 1, kSigUsr1) == -3);  // ESRCH: no other guest processes
  CHECK(t.call(nr::kill, pid, 0) == 0);
  CHECK(t.call(nr::kill, pid, 99) == -22);
}

TEST_CASE("SA_RESETHAND restores the default after one delivery", "[linux][signal]") {
  TestProcess t;
  REQUIRE(t.ok());
  install(t, kSigSegv, kHandler, kSaSiginfo | kSaResetHand);
  REQUIRE(t.process().handle_trap(t.cpu(), Trap{13, 0x10, 0x10000}) == SyscallOutcome::kContinue);
  REQUIRE(return_from_handler(t) == SyscallOutcome::kContinue);
  StderrCapture capture;
  CHECK(t.process().handle_trap(t.cpu(), Trap{13, 0x10, 0x10000}) == SyscallOutcome::kExited);
  CHECK(t.process().exit_status() == 139);
}

TEST_CASE("SA_ONSTACK handlers run on the alternate stack", "[linux][signal]") {
  TestProcess t;
  REQUIRE(t.ok());
  const std::uint64_t alt = t.scratch(64 * 1024);
  const std::uint64_t buf = t.scratch(4096);
  const std::uint64_t stack[3] = {alt, 0, 64 * 1024};
  t.poke(buf, stack, sizeof(stack));
  CHECK(t.call(nr::sigaltstack, buf, buf + 64) == 0);
  CHECK(t.peek<std::int32_t>(buf + 64 + 8) == 2);  // it was disabled
  install(t, kSigSegv, kHandler, kSaSiginfo | kSaOnStack);
  REQUIRE(t.process().handle_trap(t.cpu(), Trap{13, 0x10, 0x10000}) == SyscallOutcome::kContinue);
  const std::uint64_t frame = t.cpu().x(2);
  CHECK(frame >= alt);
  CHECK(frame + 1088 <= alt + 64 * 1024);
  CHECK(t.peek<std::uint64_t>(frame + kUcStack) == alt);
  CHECK(t.peek<std::uint64_t>(frame + kUcStack + 16) == 64 * 1024);
  // On the alternate stack, sigaltstack reports SS_ONSTACK and refuses changes.
  CHECK(t.call(nr::sigaltstack, 0, buf + 64) == 0);
  CHECK(t.peek<std::int32_t>(buf + 64 + 8) == 1);
  CHECK(t.call(nr::sigaltstack, buf, 0) == -1);  // EPERM
  const std::uint64_t small[3] = {alt, 0, 1024};
  t.poke(buf, small, sizeof(small));
  REQUIRE(return_from_handler(t) == SyscallOutcome::kContinue);
  CHECK(t.call(nr::sigaltstack, buf, 0) == -12);  // ENOMEM: below MINSIGSTKSZ
}

TEST_CASE("a handler whose frame cannot be written is a SIGSEGV kill", "[linux][signal]") {
  TestProcess t;
  REQUIRE(t.ok());
  install(t, kSigSegv, kHandler);
  t.cpu().x(2) = 0x1000;  // unmapped
  StderrCapture capture;
  CHECK(t.process().handle_trap(t.cpu(), Trap{13, 0x10, 0x10000}) == SyscallOutcome::kExited);
  CHECK(t.process().exit_status() == 139);
  CHECK_THAT(capture.text(), Catch::StartsWith("vm: guest SIGSEGV"));
}

TEST_CASE("rt_sigreturn with a bad frame kills", "[linux][signal]") {
  TestProcess t;
  REQUIRE(t.ok());
  t.cpu().x(2) = 0x1000;
  StderrCapture capture;
  t.call(nr::rt_sigreturn);
  CHECK(t.last_outcome() == SyscallOutcome::kExited);
  CHECK(t.process().exit_status() == 139);
}

TEST_CASE("rt_sigprocmask bookkeeping", "[linux][signal]") {
  TestProcess t;
  REQUIRE(t.ok());
  const std::uint64_t buf = t.scratch(4096);
  const std::uint64_t set = bit(kSigUsr1) | bit(9) | bit(19);
  t.poke(buf, &set, 8);
  CHECK(t.call(nr::rt_sigprocmask, 2 /*SIG_SETMASK*/, buf, buf + 8, kSigsetSize) == 0);
  CHECK(t.peek<std::uint64_t>(buf + 8) == 0);
  CHECK(t.call(nr::rt_sigprocmask, 0, 0, buf + 8, kSigsetSize) == 0);
  CHECK(t.peek<std::uint64_t>(buf + 8) == bit(kSigUsr1));  // SIGKILL/SIGSTOP stay unblocked
  CHECK(t.call(nr::rt_sigprocmask, 7, buf, 0, kSigsetSize) == -22);
  CHECK(t.call(nr::rt_sigprocmask, 0, buf, 0, 4) == -22);
}

TEST_CASE("writing to a broken pipe is EPIPE plus a guest SIGPIPE, never a host SIGPIPE", "[linux][signal]") {
  TestProcess t;
  REQUIRE(t.ok());
  const std::uint64_t buf = t.scratch(4096);
  REQUIRE(t.call(nr::pipe2, buf, 0) == 0);
  const auto read_fd = t.peek<std::int32_t>(buf);
  const auto write_fd = t.peek<std::int32_t>(buf + 4);
  REQUIRE(t.call(nr::close, read_fd) == 0);
  // With SIGPIPE ignored the guest sees only EPIPE.
  install(t, 13, 1 /*SIG_IGN*/, 0);
  CHECK(t.call(nr::write, write_fd, buf, 1) == -32);
  CHECK_FALSE(t.process().exited());
  // By default the guest dies of it (and the test process survives to check).
  install(t, 13, 0 /*SIG_DFL*/, 0);
  StderrCapture capture;
  t.call(nr::write, write_fd, buf, 1);
  CHECK(t.last_outcome() == SyscallOutcome::kExited);
  CHECK(t.process().exit_status() == 128 + 13);
  CHECK_THAT(capture.text(), Catch::Contains("vm: guest SIGPIPE at pc 0x") && Catch::Contains("(broken pipe)"));
  sigset_t pending;
  sigpending(&pending);
  CHECK(sigismember(&pending, SIGPIPE) == 0);
}
