#include "initial_stack.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "guest_io.hpp"
#include "mappings.hpp"

namespace vm::engine::linux_user {
namespace {

using AuxEntry = std::pair<std::uint64_t, std::uint64_t>;

// Linux's order (fs/binfmt_elf.c, riscv has no AT_PLATFORM).
std::vector<AuxEntry> auxiliary_vector(const LoadedImage& image, std::uint64_t random_addr, std::uint64_t execfn_addr) {
  return {
      {kAtHwcap, kRv64gcHwcap},
      {kAtPagesz, mem::kPageSize},
      {kAtClktck, 100},
      {kAtPhdr, image.phdr_addr},
      {kAtPhent, image.phent},
      {kAtPhnum, image.phnum},
      {kAtBase, 0},
      {kAtFlags, 0},
      {kAtEntry, image.entry},
      {kAtUid, ::getuid()},
      {kAtEuid, ::geteuid()},
      {kAtGid, ::getgid()},
      {kAtEgid, ::getegid()},
      {kAtSecure, 0},
      {kAtRandom, random_addr},
      {kAtExecfn, execfn_addr},
      {kAtNull, 0},
  };
}

// Writes strings downward from `top`; each call returns the string's address.
class StringArea {
 public:
  StringArea(mem::UserAddressSpace& memory, std::uint64_t top, std::uint64_t floor)
      : memory_(memory), cursor_(top), floor_(floor) {}
  std::uint64_t push(const std::string& s) { return push_bytes(s.c_str(), s.size() + 1); }
  std::uint64_t push_bytes(const void* data, std::size_t len) {
    if (failed_ || cursor_ - floor_ < len) {
      failed_ = true;
      return 0;
    }
    cursor_ -= len;
    if (!copy_to_guest(memory_, cursor_, data, len)) failed_ = true;
    return cursor_;
  }
  void align_down(std::uint64_t alignment) {
    const std::uint64_t aligned = cursor_ & ~(alignment - 1);
    if (aligned < floor_) failed_ = true;
    cursor_ = aligned;
  }
  bool failed() const { return failed_; }

 private:
  mem::UserAddressSpace& memory_;
  std::uint64_t cursor_;
  std::uint64_t floor_;
  bool failed_ = false;
};

std::array<std::uint8_t, 16> random_bytes(GuestRandom& random) {
  std::array<std::uint8_t, 16> bytes{};
  std::size_t got = 0;
  while (got < bytes.size()) {
    const std::int64_t n = random.fill(bytes.data() + got, bytes.size() - got, 0);
    if (n <= 0) break;  // cannot happen for 16 bytes after boot; bytes stay zero
    got += static_cast<std::size_t>(n);
  }
  return bytes;
}

}  // namespace

vm::Result<std::uint64_t> build_initial_stack(ProcessState& ps, const LoadedImage& image) {
  const MemoryLayout& layout = ps.layout;
  VM_TRY_VOID(map_area(ps, plain_vma(layout.stack_bottom, layout.stack_top, abi::kProtRead | abi::kProtWrite,
                                     VmaKind::kStack, "[stack]")));
  // Linux caps arguments plus environment at a quarter of the stack.
  StringArea strings(*ps.memory, layout.stack_top - sizeof(std::uint64_t),
                     layout.stack_top - (layout.stack_top - layout.stack_bottom) / 4);
  // Pushed in reverse so that in memory they read execfn-last, argv[0]-first.
  const std::uint64_t execfn = strings.push(ps.options.exe_path);
  std::vector<std::uint64_t> envp(ps.options.envp.size());
  for (std::size_t i = envp.size(); i-- > 0;) envp[i] = strings.push(ps.options.envp[i]);
  std::vector<std::uint64_t> argv(ps.options.argv.size());
  for (std::size_t i = argv.size(); i-- > 0;) argv[i] = strings.push(ps.options.argv[i]);

  strings.align_down(16);  // as arch_align_stack does
  const std::array<std::uint8_t, 16> random = random_bytes(ps.random);
  const std::uint64_t random_addr = strings.push_bytes(random.data(), random.size());
  if (strings.failed()) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("{}: argument list and environment do not fit in a quarter of the "
                                  "{:#x}-byte stack (E2BIG)",
                                  ps.options.exe_path, layout.stack_top - layout.stack_bottom));
  }

  // argc, argv..., NULL, envp..., NULL, auxv pairs: one table written in one go.
  std::vector<std::uint64_t> table;
  table.push_back(argv.size());
  table.insert(table.end(), argv.begin(), argv.end());
  table.push_back(0);
  table.insert(table.end(), envp.begin(), envp.end());
  table.push_back(0);
  for (const auto& [key, value] : auxiliary_vector(image, random_addr, execfn)) {
    table.push_back(key);
    table.push_back(value);
  }
  const std::uint64_t sp = (random_addr - table.size() * sizeof(std::uint64_t)) & ~std::uint64_t{15};
  if (!copy_to_guest(*ps.memory, sp, table.data(), table.size() * sizeof(std::uint64_t))) {
    return make_error(ErrorCode::kInternal,
                      fmt::format("{}: writing the initial stack failed at {:#x}", ps.options.exe_path, sp));
  }
  return sp;
}

}  // namespace vm::engine::linux_user
