// Translation of open(2)/fcntl(F_GETFL) flags between the riscv64 guest and
// the host (open_flags.inc is the single list of them).
#pragma once

#include <cstdint>
#include <span>

namespace vm::engine::linux_user {

struct FlagName {
  std::uint64_t value;
  const char* name;
};

int host_open_flags(std::uint64_t guest_flags);
std::uint64_t guest_open_flags(int host_flags);
// Guest status flags with their names (for --strace).
std::span<const FlagName> open_flag_names();

}  // namespace vm::engine::linux_user
