// /proc files that must describe the guest rather than the VM hosting it:
// /proc/self/maps (glibc's pthread_getattr_np reads it to find the main
// stack; tools read it to find mappings). Opened as a host memfd holding the
// text generated at open time, as Linux generates it at read time.
#pragma once

#include <optional>
#include <string>

#include "host_fd.hpp"
#include "process_state.hpp"

namespace vm::engine::linux_user {

// /proc/self/maps in Linux's format, from the guest's areas.
std::string proc_maps_text(const ProcessState& ps);

// A descriptor for `path` if it is one of the synthesised files; nullopt for
// every other path (which then goes to the host). An error is -errno.
std::optional<std::int64_t> open_proc_file(const ProcessState& ps, const std::string& path, HostFd& out);

}  // namespace vm::engine::linux_user
