// Everything the emulated kernel knows about one guest process. Private to
// the Linux layer: the loader, the syscall handlers and signal delivery all
// work on a ProcessState; Process is its public face.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <set>
#include <string>

#include "fd_table.hpp"
#include "guest_random.hpp"
#include "signal_state.hpp"
#include "vm/engine/cpu_state.hpp"
#include "vm/engine/linux/process.hpp"
#include "vm/mem/user_address_space.hpp"
#include "vma_map.hpp"

namespace vm::engine::linux_user {

// Where the parts of the address space go, fixed at load time.
struct MemoryLayout {
  std::uint64_t limit = 0;           // 2^va_bits
  std::uint64_t stack_top = 0;       // one past the highest stack byte
  std::uint64_t stack_bottom = 0;    // lowest mapped stack byte
  std::uint64_t mmap_base = 0;       // top-down mmap placement starts below this
  std::uint64_t mmap_min = 0x10000;  // vm.mmap_min_addr
  std::uint64_t load_bias = 0;
  std::uint64_t entry = 0;
  std::uint64_t brk_start = 0;  // page-aligned end of the image
  std::uint64_t brk = 0;        // current program break (may be unaligned)
  std::uint64_t sigreturn_trampoline = 0;
};

struct ResourceLimit {
  std::uint64_t cur = 0;
  std::uint64_t max = 0;
};
inline constexpr std::size_t kNumResourceLimits = 16;  // RLIM_NLIMITS
inline constexpr std::uint64_t kRlimInfinity = ~std::uint64_t{0};

struct ProcessState {
  ProcessOptions options;
  std::string exe_host_path;  // absolute path, what /proc/self/exe names
  std::unique_ptr<mem::UserAddressSpace> memory;
  CpuState cpu;
  MemoryLayout layout;
  VmaMap vmas;
  FdTable fds;
  HostFd cwd;  // the guest's working directory (an O_PATH descriptor)
  SignalState signals;
  GuestRandom random;
  std::array<ResourceLimit, kNumResourceLimits> rlimits{};
  int pid = 0;
  std::uint32_t umask = 022;
  std::uint64_t clear_child_tid = 0;
  bool exited = false;
  int exit_status = 0;
  std::set<std::uint64_t> reported_unsupported;  // syscall numbers already warned about
};

}  // namespace vm::engine::linux_user
