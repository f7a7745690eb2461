#include "fd_table.hpp"

#include <fcntl.h>

#include <cerrno>

namespace vm::engine::linux_user {

void FdTable::adopt_host_stdio() {
  for (int fd = 0; fd < 3; ++fd) {
    // Duplicates land above 2 so a closed host stdin cannot be reused by one
    // of our own duplicates.
    const int dup = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (dup >= 0) install_at(fd, HostFd(dup), false);
  }
}

int FdTable::install(HostFd host, bool cloexec, int min_fd, std::uint64_t limit) {
  std::size_t slot = static_cast<std::size_t>(min_fd);
  while (slot < entries_.size() && entries_[slot].host.valid()) ++slot;
  if (slot >= limit) return -EMFILE;
  if (slot >= entries_.size()) entries_.resize(slot + 1);
  entries_[slot].host = std::move(host);
  entries_[slot].cloexec = cloexec;
  return static_cast<int>(slot);
}

void FdTable::install_at(int guest_fd, HostFd host, bool cloexec) {
  const auto slot = static_cast<std::size_t>(guest_fd);
  if (slot >= entries_.size()) entries_.resize(slot + 1);
  entries_[slot].host = std::move(host);
  entries_[slot].cloexec = cloexec;
}

int FdTable::host(std::int64_t guest_fd) const {
  if (guest_fd < 0 || static_cast<std::uint64_t>(guest_fd) >= entries_.size()) return -1;
  return entries_[static_cast<std::size_t>(guest_fd)].host.get();
}

bool FdTable::cloexec(int guest_fd) const {
  return is_open(guest_fd) && entries_[static_cast<std::size_t>(guest_fd)].cloexec;
}

void FdTable::set_cloexec(int guest_fd, bool on) {
  if (is_open(guest_fd)) entries_[static_cast<std::size_t>(guest_fd)].cloexec = on;
}

bool FdTable::close(std::int64_t guest_fd) {
  if (!is_open(guest_fd)) return false;
  entries_[static_cast<std::size_t>(guest_fd)].host.reset();
  return true;
}

}  // namespace vm::engine::linux_user
