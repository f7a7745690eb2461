// Process: creation (ELF, address-space layout, stack, trampoline, host-side
// state) and the two entry points engines call, handle_ecall and handle_trap.
#include "vm/engine/linux/process.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <filesystem>

#include "guest_abi.hpp"
#include "initial_stack.hpp"
#include "loader.hpp"
#include "mappings.hpp"
#include "process_state.hpp"
#include "shared_file_sync.hpp"
#include "signal_delivery.hpp"
#include "syscall_table.hpp"
#include "vm/core/elf.hpp"
#include "vm/cross_arch/frontend.hpp"

namespace vm::engine::linux_user {
namespace {

using cross_arch::TrapCause;

// Linux keeps mmap at least this far below the stack (mmap_base's MIN_GAP).
constexpr std::uint64_t kMinStackGap = 128u << 20;

// rt_sigreturn trampoline (the role of the vDSO's __vdso_rt_sigreturn):
//   li a7, 139   (addi x17, x0, 139)
//   ecall
constexpr std::uint32_t kSigreturnCode[] = {
    (static_cast<std::uint32_t>(abi::kNrRtSigreturn) << 20) | (17u << 7) | 0x13u, 0x00000073u};

vm::Result<MemoryLayout> plan_layout(const ProcessOptions& options, std::uint64_t limit) {
  const std::uint64_t stack_size = page_up(options.stack_size);
  if (stack_size < 16 * mem::kPageSize || stack_size > limit / 4) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("{}: stack size {:#x} must be between 64 KiB and a quarter of the {}-bit "
                                  "address space",
                                  options.exe_path, options.stack_size, options.va_bits));
  }
  MemoryLayout layout;
  layout.limit = limit;
  layout.stack_top = limit - mem::kPageSize;  // an unmapped guard page above the strings
  layout.stack_bottom = layout.stack_top - stack_size;
  const std::uint64_t gap = std::clamp(stack_size + kStackGuardGap, kMinStackGap, limit / 6 * 5);
  layout.mmap_base = page_down(layout.stack_top - gap);
  return layout;
}

std::string absolute_host_path(const std::string& path) {
  char resolved[PATH_MAX];
  if (::realpath(path.c_str(), resolved) != nullptr) return resolved;
  std::error_code ignored;
  return std::filesystem::absolute(path, ignored).string();
}

void init_resource_limits(ProcessState& ps) {
  for (std::size_t i = 0; i < kNumResourceLimits; ++i) {
    rlimit host{};
    if (::getrlimit(static_cast<__rlimit_resource>(i), &host) == 0) ps.rlimits[i] = {host.rlim_cur, host.rlim_max};
  }
  ps.rlimits[RLIMIT_STACK] = {ps.layout.stack_top - ps.layout.stack_bottom, kRlimInfinity};
}

vm::Result<void> map_sigreturn_trampoline(ProcessState& ps) {
  auto addr = find_unmapped_area(ps, mem::kPageSize, 0);
  if (!addr) return make_error(ErrorCode::kResourceExhausted, "no room for the sigreturn trampoline");
  VM_TRY_VOID(map_area(
      ps, plain_vma(*addr, *addr + mem::kPageSize, abi::kProtRead | abi::kProtExec, VmaKind::kTrampoline, "[vdso]")));
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(kSigreturnCode);
  ps.memory->write(*addr, std::span(bytes, sizeof(kSigreturnCode)), /*force=*/true);
  ps.layout.sigreturn_trampoline = *addr;
  return {};
}

void init_host_side(ProcessState& ps) {
  ps.pid = ::getpid();
  ps.fds.adopt_host_stdio();
  int cwd = ::open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (cwd < 0) cwd = ::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  ps.cwd = HostFd(cwd);
  init_resource_limits(ps);
}

// The signal Linux sends for a trap, and the words for the stderr line.
struct TrapSignal {
  SignalInfo info;
  std::string detail;
};

TrapSignal describe_trap(const ProcessState& ps, const Trap& trap) {
  const auto cause = static_cast<TrapCause>(trap.cause);
  const std::int32_t segv_code = ps.vmas.find(trap.tval) != nullptr ? abi::kSegvAccErr : abi::kSegvMapErr;
  auto segv = [&](const char* access) {
    return TrapSignal{{.signo = 11, .code = segv_code, .addr = trap.tval},
                      fmt::format(" at {:#x} (pc {:#x}, {})", trap.tval, trap.pc, access)};
  };
  switch (cause) {
    case TrapCause::kInsnAccessFault:
    case TrapCause::kInsnPageFault:
      return segv("execute");
    case TrapCause::kLoadAccessFault:
    case TrapCause::kLoadPageFault:
      return segv("load");
    case TrapCause::kStoreAccessFault:
    case TrapCause::kStorePageFault:
      return segv("store");
    case TrapCause::kIllegalInsn:
      return {{.signo = 4, .code = abi::kIllIllOpc, .addr = trap.pc},
              fmt::format(" at pc {:#x} (illegal instruction {:#010x})", trap.pc, trap.tval)};
    case TrapCause::kBreakpoint:
      return {{.signo = 5, .code = abi::kTrapBrkpt, .addr = trap.pc}, fmt::format(" at pc {:#x} (ebreak)", trap.pc)};
    case TrapCause::kInsnMisaligned:
    case TrapCause::kLoadMisaligned:
    case TrapCause::kStoreMisaligned:
      // Linux emulates misaligned plain loads and stores; what reaches user
      // space as a trap is a misaligned atomic (or jump target).
      return {{.signo = 7, .code = abi::kBusAdrAln, .addr = trap.tval},
              fmt::format(" at {:#x} (pc {:#x}, misaligned {})", trap.tval, trap.pc,
                          cause == TrapCause::kInsnMisaligned ? "instruction" : "atomic")};
    default:
      return {{.signo = 4, .code = abi::kIllIllOpc, .addr = trap.pc},
              fmt::format(" at pc {:#x} (unexpected trap cause {})", trap.pc, trap.cause)};
  }
}

}  // namespace

Process::Process(std::unique_ptr<ProcessState> state) : state_(std::move(state)) {}
Process::~Process() {
  // Like the page cache outliving a killed process: shared file mappings reach their files.
  if (state_) write_back_shared_files(*state_, 0, state_->layout.limit);
}

vm::Result<std::unique_ptr<Process>> Process::create(const ProcessOptions& options) {
  VM_TRY_ASSIGN(const core::ElfFile elf, core::read_elf_file(options.exe_path));
  if (elf.interpreter) {
    return make_error(ErrorCode::kUnsupported,
                      fmt::format("{}: dynamically linked executables are not supported yet (interpreter {})",
                                  options.exe_path, *elf.interpreter));
  }
  VM_TRY_ASSIGN(auto memory, mem::UserAddressSpace::create({.va_bits = options.va_bits}));
  VM_TRY_ASSIGN(const MemoryLayout layout, plan_layout(options, memory->limit()));

  auto state = std::make_unique<ProcessState>();
  ProcessState& ps = *state;
  ps.options = options;
  ps.random = GuestRandom(options.random_seed);
  ps.exe_host_path = absolute_host_path(options.exe_path);
  ps.memory = std::move(memory);
  ps.layout = layout;
  init_host_side(ps);

  VM_TRY_ASSIGN(const LoadedImage image, load_image(ps, elf, options.exe_path));
  ps.layout.load_bias = image.bias;
  ps.layout.entry = image.entry;
  ps.layout.brk_start = image.brk_start;
  ps.layout.brk = image.brk_start;
  VM_TRY_VOID(map_sigreturn_trampoline(ps));
  VM_TRY_ASSIGN(const std::uint64_t sp, build_initial_stack(ps, image));

  ps.cpu.pc = image.entry;
  ps.cpu.x(2) = sp;
  ps.cpu.x(10) = 0;  // rtld_fini: no dynamic linker ran
  return std::unique_ptr<Process>(new Process(std::move(state)));
}

CpuState& Process::cpu() { return state_->cpu; }
mem::UserAddressSpace& Process::memory() { return *state_->memory; }
const mem::UserAddressSpace& Process::memory() const { return *state_->memory; }
bool Process::exited() const { return state_->exited; }
int Process::exit_status() const { return state_->exit_status; }
std::uint64_t Process::entry() const { return state_->layout.entry; }
std::uint64_t Process::load_bias() const { return state_->layout.load_bias; }
std::uint64_t Process::brk_start() const { return state_->layout.brk_start; }

SyscallOutcome Process::handle_ecall(CpuState& cpu) {
  ProcessState& ps = *state_;
  if (ps.exited) return SyscallOutcome::kExited;
  SyscallContext ctx{ps, cpu};
  const std::int64_t result = dispatch_syscall(ctx);
  if (ps.exited) return SyscallOutcome::kExited;
  if (!ctx.context_replaced) {
    cpu.x(10) = static_cast<std::uint64_t>(result);
    cpu.pc += 4;
  }
  deliver_pending_signals(ps, cpu);
  if (ps.exited) return SyscallOutcome::kExited;
  return ctx.code_changed ? SyscallOutcome::kCodeChanged : SyscallOutcome::kContinue;
}

SyscallOutcome Process::handle_trap(CpuState& cpu, const Trap& trap) {
  ProcessState& ps = *state_;
  if (ps.exited) return SyscallOutcome::kExited;
  if (trap.cause == static_cast<std::uint64_t>(TrapCause::kEcallU)) {
    cpu.pc = trap.pc;
    return handle_ecall(cpu);
  }
  // The handler's return (or a default action) resumes at the faulting instruction.
  cpu.pc = trap.pc;
  const TrapSignal signal = describe_trap(ps, trap);
  force_fault_signal(ps, cpu, signal.info, signal.detail);
  return ps.exited ? SyscallOutcome::kExited : SyscallOutcome::kContinue;
}

}  // namespace vm::engine::linux_user
