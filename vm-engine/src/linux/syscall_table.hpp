// The system call table: one entry per riscv64 syscall number with its name,
// handler and argument formats (syscall_table.inc), and the dispatcher that
// runs a guest ecall through it.
#pragma once

#include <array>
#include <cstdint>

#include "process_state.hpp"

namespace vm::engine::linux_user {

// How --strace prints an argument or a return value.
enum class ArgFormat : std::uint8_t {
  kNone,  // unused slot
  kDec,
  kUDec,
  kHex,
  kOctal,
  kFd,
  kDirFd,   // descriptor; kDirFd shows AT_FDCWD
  kPath,    // NUL-terminated guest string
  kBuffer,  // guest bytes, length in the next argument
  kOpenFlags,
  kAtFlags,
  kProt,
  kMapFlags,
  kMremapFlags,
  kMadvise,
  kWhence,
  kFcntlCmd,
  kFutexOp,
  kSignal,
  kSigHow,
  kClockId,
};

// State a handler works on. Handlers return the value for a0 (-errno on
// failure) and raise the flags when they did more than that.
struct SyscallContext {
  ProcessState& ps;
  CpuState& cpu;
  std::array<std::uint64_t, 6> arg{};
  bool code_changed = false;      // executable mappings changed
  bool context_replaced = false;  // cpu already holds the next state (rt_sigreturn)
};

using SyscallHandler = std::int64_t (*)(SyscallContext&);

enum class MissingReport : std::uint8_t { kWarn, kQuiet };

struct SyscallEntry {
  std::uint64_t number = 0;
  const char* name = nullptr;
  SyscallHandler handler = nullptr;  // nullptr: known, answered with -ENOSYS
  MissingReport report = MissingReport::kWarn;
  ArgFormat ret = ArgFormat::kDec;
  std::array<ArgFormat, 6> args{};
};

// nullptr for numbers the table does not know.
const SyscallEntry* find_syscall(std::uint64_t number);

// Runs the syscall in ctx.cpu (a7, a0..a5), logging to --strace. Returns the
// value for a0.
std::int64_t dispatch_syscall(SyscallContext& ctx);

// Handlers, one per SYSCALL line, defined in the syscalls_*.cpp files.
#define SYSCALL(number, name, handler, ...) std::int64_t handler(SyscallContext& ctx);
#define UNSUPPORTED(number, name, report)
#include "syscall_table.inc"
#undef SYSCALL
#undef UNSUPPORTED

}  // namespace vm::engine::linux_user
