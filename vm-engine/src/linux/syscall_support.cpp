#include "syscall_support.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include <array>

#include "guest_abi.hpp"
#include "guest_io.hpp"

namespace vm::engine::linux_user {

std::uint64_t fd_limit(const ProcessState& ps) { return ps.rlimits[7].cur; }

int host_dirfd(const ProcessState& ps, std::uint64_t guest_dirfd) {
  if (int_arg(guest_dirfd) == abi::kAtFdCwd) return ps.cwd.get();
  return ps.fds.host(int_arg(guest_dirfd));
}

std::string host_fd_path(int host_fd) {
  std::array<char, 4096> buf{};
  const std::string link = fmt::format("/proc/self/fd/{}", host_fd);
  const ssize_t n = ::readlink(link.c_str(), buf.data(), buf.size());
  if (n <= 0) return "";
  return std::string(buf.data(), static_cast<std::size_t>(n));
}

std::string current_directory(const ProcessState& ps) {
  const std::string path = host_fd_path(ps.cwd.get());
  return path.empty() ? "/" : path;
}

std::optional<std::string> proc_self_link(const ProcessState& ps, const std::string& path) {
  const std::string own = fmt::format("/proc/{}/", ps.pid);
  std::string rest;
  if (path.rfind("/proc/self/", 0) == 0) {
    rest = path.substr(11);
  } else if (path.rfind(own, 0) == 0) {
    rest = path.substr(own.size());
  } else {
    return std::nullopt;
  }
  if (rest == "exe") return ps.exe_host_path;
  if (rest == "cwd") return current_directory(ps);
  return std::nullopt;
}

std::int64_t read_path_arg(const ProcessState& ps, std::uint64_t addr, std::string& out) {
  if (const std::int64_t err = read_guest_string(*ps.memory, addr, out); err != 0) return err;
  if (auto target = proc_self_link(ps, out)) out = *target;
  return 0;
}

}  // namespace vm::engine::linux_user
