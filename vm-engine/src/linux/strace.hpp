// --strace: one decoded line per guest syscall, in qemu's style:
//   1234 openat(AT_FDCWD,"foo",O_RDONLY) = 3
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>

#include "process_state.hpp"
#include "syscall_table.hpp"

namespace vm::engine::linux_user {

// "name(arg,arg,...)" with arguments decoded as the entry says (read before
// the call runs, so paths are what the guest passed).
std::string format_syscall_call(const ProcessState& ps, const SyscallEntry* entry, std::uint64_t number,
                                const std::array<std::uint64_t, 6>& args);

// Writes "<pid> <call> = <result>\n"; errors print as "-1 errno=N (text)".
void print_syscall_line(std::FILE* out, int pid, const std::string& call, std::int64_t result, ArgFormat result_format,
                        bool returned);

}  // namespace vm::engine::linux_user
