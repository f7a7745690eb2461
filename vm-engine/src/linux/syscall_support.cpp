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

namespace {

// The part after "/proc/self/" or "/proc/<our pid>/", if `path` is one.
std::optional<std::string> proc_self_rest(const ProcessState& ps, const std::string& path) {
  const std::string own = fmt::format("/proc/{}/", ps.pid);
  if (path.rfind("/proc/self/", 0) == 0) return path.substr(11);
  if (path.rfind(own, 0) == 0) return path.substr(own.size());
  return std::nullopt;
}

// For "fd/N[/more]": the guest fd N and what follows it; -1 if not that form.
int guest_fd_entry(const std::string& rest, std::string& tail) {
  if (rest.rfind("fd/", 0) != 0) return -1;
  const std::size_t end = rest.find('/', 3);
  const std::string digits = rest.substr(3, end == std::string::npos ? std::string::npos : end - 3);
  if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) return -1;
  tail = end == std::string::npos ? "" : rest.substr(end);
  return std::stoi(digits);
}

}  // namespace

ProcSelfLink proc_self_link(const ProcessState& ps, const std::string& path) {
  const auto rest = proc_self_rest(ps, path);
  if (!rest) return {};
  if (*rest == "exe") return {ProcSelfLink::kTarget, ps.exe_host_path};
  if (*rest == "cwd") return {ProcSelfLink::kTarget, current_directory(ps)};
  std::string tail;
  const int fd = guest_fd_entry(*rest, tail);
  if (fd < 0 || !tail.empty()) return {};
  const int host = ps.fds.host(fd);
  if (host < 0) return {ProcSelfLink::kMissing, ""};
  return {ProcSelfLink::kTarget, host_fd_path(host)};
}

std::int64_t read_path_arg(const ProcessState& ps, std::uint64_t addr, std::string& out) {
  if (const std::int64_t err = read_guest_string(*ps.memory, addr, out); err != 0) return err;
  const auto rest = proc_self_rest(ps, out);
  if (!rest) return 0;
  if (*rest == "exe") {
    out = ps.exe_host_path;
    return 0;
  }
  if (*rest == "cwd" || rest->rfind("cwd/", 0) == 0) {
    out = fmt::format("/proc/self/fd/{}{}", ps.cwd.get(), rest->substr(3));
    return 0;
  }
  std::string tail;
  const int fd = guest_fd_entry(*rest, tail);
  if (fd < 0) return 0;
  // Guest fd numbers are not the host's: go through the host's magic link
  // for the same open file, which also reopens pipes and deleted files.
  const int host = ps.fds.host(fd);
  if (host < 0) return -ENOENT;
  out = fmt::format("/proc/self/fd/{}{}", host, tail);
  return 0;
}

}  // namespace vm::engine::linux_user
