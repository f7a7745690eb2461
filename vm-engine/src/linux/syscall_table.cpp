#include "syscall_table.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <string>

#include "strace.hpp"

namespace vm::engine::linux_user {
namespace {

using enum ArgFormat;

constexpr std::array<ArgFormat, 6> arg_formats(std::initializer_list<ArgFormat> formats) {
  std::array<ArgFormat, 6> out{};
  std::size_t i = 0;
  for (ArgFormat f : formats) out[i++] = f;
  return out;
}

constexpr SyscallEntry kSyscalls[] = {
#define SYSCALL(number, name, handler, ret, ...) \
  {number, #name, &handler, MissingReport::kWarn, ret, arg_formats({__VA_ARGS__})},
#define UNSUPPORTED(number, name, report) {number, #name, nullptr, MissingReport::report, kDec, {}},
#include "syscall_table.inc"
#undef SYSCALL
#undef UNSUPPORTED
};

// Dense index by number; every riscv64 syscall number is below 512.
constexpr std::size_t kIndexSize = 512;
constexpr std::array<std::int16_t, kIndexSize> kIndex = [] {
  std::array<std::int16_t, kIndexSize> index{};
  for (auto& slot : index) slot = -1;
  for (std::size_t i = 0; i < std::size(kSyscalls); ++i) {
    index[kSyscalls[i].number] = static_cast<std::int16_t>(i);
  }
  return index;
}();

void report_missing(ProcessState& ps, std::uint64_t number, const SyscallEntry* entry) {
  if (entry != nullptr && entry->report == MissingReport::kQuiet) return;
  if (!ps.reported_unsupported.insert(number).second) return;
  if (entry != nullptr) {
    fmt::print(stderr, "vm: unsupported syscall {} ({}) -> ENOSYS\n", number, entry->name);
  } else {
    fmt::print(stderr, "vm: unsupported syscall {} -> ENOSYS\n", number);
  }
}

}  // namespace

const SyscallEntry* find_syscall(std::uint64_t number) {
  if (number >= kIndexSize || kIndex[number] < 0) return nullptr;
  return &kSyscalls[kIndex[number]];
}

std::int64_t dispatch_syscall(SyscallContext& ctx) {
  const std::uint64_t number = ctx.cpu.x(17);
  for (unsigned i = 0; i < 6; ++i) ctx.arg[i] = ctx.cpu.x(10 + i);
  const SyscallEntry* entry = find_syscall(number);
  std::FILE* strace = ctx.ps.options.strace;
  std::string call;
  if (strace != nullptr) call = format_syscall_call(ctx.ps, entry, number, ctx.arg);

  std::int64_t result = -ENOSYS;
  if (entry != nullptr && entry->handler != nullptr) {
    result = entry->handler(ctx);
  } else {
    report_missing(ctx.ps, number, entry);
  }

  if (strace != nullptr) {
    const bool returned = !ctx.ps.exited && !ctx.context_replaced;
    print_syscall_line(strace, ctx.ps.pid, call, result, entry != nullptr ? entry->ret : kDec, returned);
  }
  return result;
}

}  // namespace vm::engine::linux_user
