// Small pieces every syscall handler file uses: host results to -errno,
// guest descriptors and paths to host ones.
#pragma once

#include <cerrno>
#include <cstdint>
#include <optional>
#include <string>

#include "process_state.hpp"
#include "syscall_table.hpp"

namespace vm::engine::linux_user {

// A host call's return value as the guest sees it: the value, or -errno.
inline std::int64_t host_result(std::int64_t r) { return r < 0 ? -static_cast<std::int64_t>(errno) : r; }

// Linux takes int arguments from the low 32 bits of a register.
inline int int_arg(std::uint64_t reg) { return static_cast<int>(static_cast<std::uint32_t>(reg)); }

// The guest's RLIMIT_NOFILE, which bounds its descriptor numbers.
std::uint64_t fd_limit(const ProcessState& ps);

// Host fd for a guest dirfd argument: AT_FDCWD is the guest's working
// directory. -1 if the guest fd is not open.
int host_dirfd(const ProcessState& ps, std::uint64_t guest_dirfd);

// The path a host descriptor refers to (from /proc/self/fd), or "" if unknown.
std::string host_fd_path(int host_fd);

// The guest's working directory as an absolute path.
std::string current_directory(const ProcessState& ps);

// What readlink sees for the /proc/self links that must describe the guest
// ("/proc/self/exe", "/proc/self/cwd", "/proc/self/fd/N", also by pid).
struct ProcSelfLink {
  enum Kind { kNotOurs, kTarget, kMissing } kind = kNotOurs;
  std::string target;
};
ProcSelfLink proc_self_link(const ProcessState& ps, const std::string& path);

// Reads a path argument (-EFAULT, -ENAMETOOLONG) and rewrites paths through
// the /proc/self links above to host paths naming the same thing
// (-ENOENT for /proc/self/fd/N of a closed guest fd).
std::int64_t read_path_arg(const ProcessState& ps, std::uint64_t addr, std::string& out);

}  // namespace vm::engine::linux_user
