// A Linux user-mode process for an RV64 guest (what qemu-riscv64 provides):
// loads a static ELF, builds the initial stack, and answers the guest's system
// calls and synchronous traps the way the riscv64 Linux kernel would.
//
// What an engine may rely on:
//  - handle_ecall() and handle_trap() may move cpu.pc anywhere (a signal
//    handler, the instruction after the ecall, a restored context): resume
//    at cpu.pc afterwards, never at a remembered address.
//  - kCodeChanged means executable mappings changed (munmap/mprotect/mremap/
//    mmap over code, riscv_flush_icache): drop every cached translation.
//  - Guest file descriptors are private to the Process (guest 0/1/2 are
//    duplicates of the host's), and the guest's working directory is its own,
//    so several processes can live in one host process.
//  - Not thread-safe: one hart calls into a Process at a time.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vm/core/result.hpp"
#include "vm/engine/cpu_state.hpp"
#include "vm/engine/export.hpp"
#include "vm/mem/user_address_space.hpp"

// Namespace is linux_user, not linux: GCC predefines `linux` as a macro in
// GNU modes.
namespace vm::engine::linux_user {

struct ProcessOptions {
  std::string exe_path;                 // host path of the static ELF
  std::vector<std::string> argv;        // argv[0] included (normally the path as given)
  std::vector<std::string> envp;        // "NAME=value" strings
  std::uint64_t stack_size = 8u << 20;  // bytes reserved for the main stack (RLIMIT_STACK)
  unsigned va_bits = 38;                // guest address-space width (Sv39 user half)
  std::FILE* strace = nullptr;          // decoded syscall log (like qemu -strace); nullptr = off
  // Seeds the guest's randomness (getrandom, AT_RANDOM) so that runs repeat
  // exactly, like qemu-riscv64 -seed; nullopt = the host's entropy.
  std::optional<std::uint64_t> random_seed;
};

enum class SyscallOutcome {
  kContinue,     // resume at cpu.pc
  kExited,       // the process is gone: see exit_status()
  kCodeChanged,  // executable mappings changed: drop translations, then resume at cpu.pc
};

struct ProcessState;

class VM_ENGINE_API Process {
 public:
  // Loads options.exe_path (ET_EXEC or static-pie ET_DYN; dynamically linked
  // executables are kUnsupported) and prepares the initial register state.
  static vm::Result<std::unique_ptr<Process>> create(const ProcessOptions& options);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // Initial state per the RISC-V Linux ABI: pc = entry, sp -> argc, a0 = 0.
  CpuState& cpu();
  mem::UserAddressSpace& memory();
  const mem::UserAddressSpace& memory() const;

  // The ecall at cpu.pc: a7 = syscall number, a0..a5 = arguments. Writes the
  // result to a0 and advances pc by 4 (unless the call replaces the whole
  // context, as rt_sigreturn does, or a signal is delivered on the way out).
  SyscallOutcome handle_ecall(CpuState& cpu);

  // Linux's reaction to a synchronous trap: the matching signal (SIGSEGV,
  // SIGILL, SIGTRAP, SIGBUS) goes to the guest's handler if it installed one
  // (kContinue, pc at the handler); otherwise the process dies with one line
  // on stderr and exit status 128+signal (kExited).
  SyscallOutcome handle_trap(CpuState& cpu, const Trap& trap);

  bool exited() const;
  // The guest's exit status (0..255), or 128+signal if a signal killed it.
  int exit_status() const;

  // Where things were put (for tools and tests).
  std::uint64_t entry() const;      // initial pc
  std::uint64_t load_bias() const;  // 0 for ET_EXEC
  std::uint64_t brk_start() const;

 private:
  explicit Process(std::unique_ptr<ProcessState> state);
  std::unique_ptr<ProcessState> state_;
};

}  // namespace vm::engine::linux_user
