// The guest's file descriptor table: guest fd numbers are the guest's own
// (lowest free first, as POSIX requires) and each maps to a host descriptor
// this table owns, so a guest close(1) never closes the host's stdout.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "host_fd.hpp"

namespace vm::engine::linux_user {

class FdTable {
 public:
  // Guest 0, 1, 2 become duplicates of the host's (skipped if the host's is closed).
  void adopt_host_stdio();

  // Installs `host` at the lowest free guest fd >= `min_fd`; returns the guest
  // fd, or -EMFILE (host is closed) when `limit` slots are in use.
  int install(HostFd host, bool cloexec, int min_fd, std::uint64_t limit);
  // Installs at exactly `guest_fd`, closing what was there (dup3).
  void install_at(int guest_fd, HostFd host, bool cloexec);

  // Host fd for a guest fd, or -1 if the guest fd is not open.
  int host(std::int64_t guest_fd) const;
  bool is_open(std::int64_t guest_fd) const { return host(guest_fd) >= 0; }
  bool cloexec(int guest_fd) const;
  void set_cloexec(int guest_fd, bool on);
  // Closes the guest fd; false if it was not open.
  bool close(std::int64_t guest_fd);

 private:
  struct Entry {
    HostFd host;
    bool cloexec = false;
  };
  std::vector<Entry> entries_;
};

}  // namespace vm::engine::linux_user
