#include "strace.hpp"

#include <fmt/format.h>

#include <cstring>
#include <span>

#include "guest_abi.hpp"
#include "guest_io.hpp"
#include "open_flags.hpp"
#include "signal_state.hpp"

namespace vm::engine::linux_user {
namespace {

constexpr FlagName kAtFlagNames[] = {{abi::kAtSymlinkNoFollow, "AT_SYMLINK_NOFOLLOW"},
                                     {abi::kAtRemoveDir, "AT_REMOVEDIR"},
                                     {abi::kAtSymlinkFollow, "AT_SYMLINK_FOLLOW"},
                                     {abi::kAtNoAutomount, "AT_NO_AUTOMOUNT"},
                                     {abi::kAtEmptyPath, "AT_EMPTY_PATH"}};
constexpr FlagName kProtNames[] = {{abi::kProtRead, "PROT_READ"},
                                   {abi::kProtWrite, "PROT_WRITE"},
                                   {abi::kProtExec, "PROT_EXEC"},
                                   {abi::kProtGrowsDown, "PROT_GROWSDOWN"},
                                   {abi::kProtGrowsUp, "PROT_GROWSUP"}};
constexpr FlagName kMapFlagNames[] = {{abi::kMapFixed, "MAP_FIXED"},
                                      {abi::kMapAnonymous, "MAP_ANONYMOUS"},
                                      {abi::kMapGrowsDown, "MAP_GROWSDOWN"},
                                      {abi::kMapDenyWrite, "MAP_DENYWRITE"},
                                      {abi::kMapExecutable, "MAP_EXECUTABLE"},
                                      {abi::kMapLocked, "MAP_LOCKED"},
                                      {abi::kMapNoReserve, "MAP_NORESERVE"},
                                      {abi::kMapPopulate, "MAP_POPULATE"},
                                      {abi::kMapNonBlock, "MAP_NONBLOCK"},
                                      {abi::kMapStack, "MAP_STACK"},
                                      {abi::kMapHugeTlb, "MAP_HUGETLB"},
                                      {abi::kMapSync, "MAP_SYNC"},
                                      {abi::kMapFixedNoReplace, "MAP_FIXED_NOREPLACE"}};
constexpr FlagName kMremapNames[] = {{abi::kMremapMayMove, "MREMAP_MAYMOVE"},
                                     {abi::kMremapFixed, "MREMAP_FIXED"},
                                     {abi::kMremapDontUnmap, "MREMAP_DONTUNMAP"}};
// Enumerations (exact values rather than bit sets).
constexpr FlagName kMadviseNames[] = {{0, "MADV_NORMAL"},
                                      {1, "MADV_RANDOM"},
                                      {2, "MADV_SEQUENTIAL"},
                                      {3, "MADV_WILLNEED"},
                                      {abi::kMadvDontNeed, "MADV_DONTNEED"},
                                      {abi::kMadvFree, "MADV_FREE"},
                                      {abi::kMadvRemove, "MADV_REMOVE"},
                                      {14, "MADV_HUGEPAGE"},
                                      {15, "MADV_NOHUGEPAGE"}};
constexpr FlagName kWhenceNames[] = {
    {0, "SEEK_SET"}, {1, "SEEK_CUR"}, {2, "SEEK_END"}, {3, "SEEK_DATA"}, {4, "SEEK_HOLE"}};
constexpr FlagName kFcntlNames[] = {{abi::kFDupFd, "F_DUPFD"},
                                    {abi::kFGetFd, "F_GETFD"},
                                    {abi::kFSetFd, "F_SETFD"},
                                    {abi::kFGetFl, "F_GETFL"},
                                    {abi::kFSetFl, "F_SETFL"},
                                    {5, "F_GETLK"},
                                    {6, "F_SETLK"},
                                    {7, "F_SETLKW"},
                                    {abi::kFDupFdCloexec, "F_DUPFD_CLOEXEC"}};
constexpr FlagName kFutexNames[] = {{0, "FUTEX_WAIT"},         {1, "FUTEX_WAKE"},       {3, "FUTEX_REQUEUE"},
                                    {4, "FUTEX_CMP_REQUEUE"},  {5, "FUTEX_WAKE_OP"},    {6, "FUTEX_LOCK_PI"},
                                    {7, "FUTEX_UNLOCK_PI"},    {8, "FUTEX_TRYLOCK_PI"}, {9, "FUTEX_WAIT_BITSET"},
                                    {10, "FUTEX_WAKE_BITSET"}, {13, "FUTEX_LOCK_PI2"}};
constexpr FlagName kSigHowNames[] = {
    {abi::kSigBlock, "SIG_BLOCK"}, {abi::kSigUnblock, "SIG_UNBLOCK"}, {abi::kSigSetMask, "SIG_SETMASK"}};
constexpr FlagName kClockNames[] = {{0, "CLOCK_REALTIME"},           {1, "CLOCK_MONOTONIC"},
                                    {2, "CLOCK_PROCESS_CPUTIME_ID"}, {3, "CLOCK_THREAD_CPUTIME_ID"},
                                    {4, "CLOCK_MONOTONIC_RAW"},      {5, "CLOCK_REALTIME_COARSE"},
                                    {6, "CLOCK_MONOTONIC_COARSE"},   {7, "CLOCK_BOOTTIME"}};

// "A|B|0x40" for a bit set; `zero` names the empty set.
std::string bit_names(std::uint64_t value, std::span<const FlagName> names, const char* zero) {
  std::string out;
  for (const FlagName& flag : names) {
    if ((value & flag.value) == flag.value && flag.value != 0) {
      if (!out.empty()) out += '|';
      out += flag.name;
      value &= ~flag.value;
    }
  }
  if (value != 0 || out.empty()) {
    if (value == 0) return zero;
    if (!out.empty()) out += '|';
    out += fmt::format("{:#x}", value);
  }
  return out;
}

std::string enum_name(std::uint64_t value, std::span<const FlagName> names) {
  for (const FlagName& entry : names) {
    if (entry.value == value) return entry.name;
  }
  return fmt::format("{}", static_cast<std::int64_t>(value));
}

std::string open_flags_text(std::uint64_t flags) {
  static constexpr const char* kModes[] = {"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"};
  std::string out = kModes[flags & 3];
  const std::string rest = bit_names(flags & ~std::uint64_t{3}, open_flag_names(), "");
  if (!rest.empty()) out += "|" + rest;
  return out;
}

std::string escaped(std::string_view bytes) {
  std::string out;
  for (const char c : bytes) {
    switch (c) {
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
          out += fmt::format("\\{:03o}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string pointer_text(std::uint64_t value) { return value == 0 ? "NULL" : fmt::format("{:#x}", value); }

std::string path_text(const ProcessState& ps, std::uint64_t addr) {
  std::string s;
  if (read_guest_string(*ps.memory, addr, s) != 0) return pointer_text(addr);
  return "\"" + escaped(s) + "\"";
}

// The first bytes of a buffer whose length is the next argument.
std::string buffer_text(const ProcessState& ps, std::uint64_t addr, std::uint64_t len) {
  constexpr std::uint64_t kShown = 32;
  std::string bytes(std::min(len, kShown), '\0');
  if (!copy_from_guest(*ps.memory, addr, bytes.data(), bytes.size())) return pointer_text(addr);
  return "\"" + escaped(bytes) + "\"" + (len > kShown ? "..." : "");
}

std::string arg_text(const ProcessState& ps, ArgFormat format, std::uint64_t value, std::uint64_t next) {
  const auto as_int = static_cast<std::int64_t>(static_cast<std::int32_t>(value));
  switch (format) {
    case ArgFormat::kNone:
      return "";
    case ArgFormat::kDec:
      return fmt::format("{}", static_cast<std::int64_t>(value));
    case ArgFormat::kUDec:
      return fmt::format("{}", value);
    case ArgFormat::kHex:
      return pointer_text(value);
    case ArgFormat::kOctal:
      return fmt::format("{:#o}", value);
    case ArgFormat::kFd:
      return fmt::format("{}", as_int);
    case ArgFormat::kDirFd:
      return as_int == abi::kAtFdCwd ? "AT_FDCWD" : fmt::format("{}", as_int);
    case ArgFormat::kPath:
      return path_text(ps, value);
    case ArgFormat::kBuffer:
      return buffer_text(ps, value, next);
    case ArgFormat::kOpenFlags:
      return open_flags_text(value);
    case ArgFormat::kAtFlags:
      return bit_names(value, kAtFlagNames, "0");
    case ArgFormat::kProt:
      return bit_names(value, kProtNames, "PROT_NONE");
    case ArgFormat::kMapFlags: {
      static constexpr const char* kTypes[] = {"0", "MAP_SHARED", "MAP_PRIVATE", "MAP_SHARED_VALIDATE"};
      const std::uint64_t type = value & abi::kMapTypeMask;
      std::string out = type < 4 ? kTypes[type] : fmt::format("{:#x}", type);
      const std::string rest = bit_names(value & ~abi::kMapTypeMask, kMapFlagNames, "");
      return rest.empty() ? out : out + "|" + rest;
    }
    case ArgFormat::kMremapFlags:
      return bit_names(value, kMremapNames, "0");
    case ArgFormat::kMadvise:
      return enum_name(value, kMadviseNames);
    case ArgFormat::kWhence:
      return enum_name(value, kWhenceNames);
    case ArgFormat::kFcntlCmd:
      return enum_name(value, kFcntlNames);
    case ArgFormat::kFutexOp: {
      std::string out = enum_name(value & 127, kFutexNames);
      if ((value & 128) != 0) out += "|FUTEX_PRIVATE_FLAG";
      if ((value & 256) != 0) out += "|FUTEX_CLOCK_REALTIME";
      return out;
    }
    case ArgFormat::kSignal:
      return as_int >= 1 && as_int <= abi::kNumSignals ? signal_name(static_cast<int>(as_int))
                                                       : fmt::format("{}", as_int);
    case ArgFormat::kSigHow:
      return enum_name(value, kSigHowNames);
    case ArgFormat::kClockId:
      return enum_name(value, kClockNames);
  }
  return fmt::format("{:#x}", value);
}

}  // namespace

std::string format_syscall_call(const ProcessState& ps, const SyscallEntry* entry, std::uint64_t number,
                                const std::array<std::uint64_t, 6>& args) {
  if (entry == nullptr) {
    return fmt::format("syscall_{}({:#x},{:#x},{:#x},{:#x},{:#x},{:#x})", number, args[0], args[1], args[2], args[3],
                       args[4], args[5]);
  }
  std::string out = std::string(entry->name) + "(";
  for (std::size_t i = 0; i < entry->args.size() && entry->args[i] != ArgFormat::kNone; ++i) {
    if (i != 0) out += ',';
    out += arg_text(ps, entry->args[i], args[i], i + 1 < args.size() ? args[i + 1] : 0);
  }
  return out + ")";
}

void print_syscall_line(std::FILE* out, int pid, const std::string& call, std::int64_t result, ArgFormat result_format,
                        bool returned) {
  if (!returned) {
    fmt::print(out, "{} {} = ?\n", pid, call);
  } else if (result < 0 && result >= -4095) {
    const int err = static_cast<int>(-result);
    fmt::print(out, "{} {} = -1 errno={} ({})\n", pid, call, err, std::strerror(err));
  } else if (result_format == ArgFormat::kHex) {
    fmt::print(out, "{} {} = {:#x}\n", pid, call, static_cast<std::uint64_t>(result));
  } else if (result_format == ArgFormat::kOctal) {
    fmt::print(out, "{} {} = {:#o}\n", pid, call, result);
  } else {
    fmt::print(out, "{} {} = {}\n", pid, call, result);
  }
  std::fflush(out);
}

}  // namespace vm::engine::linux_user
