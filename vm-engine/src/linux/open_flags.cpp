#include "open_flags.hpp"

#include <fcntl.h>

#include <array>

namespace vm::engine::linux_user {
namespace {

struct OpenFlag {
  std::uint64_t guest;
  int host;
  const char* name;
};

constexpr OpenFlag kOpenFlags[] = {
#define OPEN_FLAG(guest, host, name) {guest, host, name},
#include "open_flags.inc"
#undef OPEN_FLAG
};

constexpr std::uint64_t kAccessModeMask = 3;

constexpr auto kNames = [] {
  std::array<FlagName, std::size(kOpenFlags)> names{};
  for (std::size_t i = 0; i < names.size(); ++i) names[i] = {kOpenFlags[i].guest, kOpenFlags[i].name};
  return names;
}();

}  // namespace

int host_open_flags(std::uint64_t guest_flags) {
  int host = static_cast<int>(guest_flags & kAccessModeMask);
  for (const OpenFlag& flag : kOpenFlags) {
    if ((guest_flags & flag.guest) == flag.guest) host |= flag.host;
  }
  return host;
}

std::uint64_t guest_open_flags(int host_flags) {
  std::uint64_t guest = static_cast<std::uint64_t>(host_flags) & kAccessModeMask;
  for (const OpenFlag& flag : kOpenFlags) {
    // Skip flags the host folds to nothing, or every guest would see them set.
    if (flag.host != 0 && (host_flags & flag.host) == flag.host) guest |= flag.guest;
  }
  return guest;
}

std::span<const FlagName> open_flag_names() { return kNames; }

}  // namespace vm::engine::linux_user
