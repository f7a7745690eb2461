// The main thread's stack as Linux's create_elf_tables leaves it: strings at
// the top, then AT_RANDOM bytes, then argc, argv[], NULL, envp[], NULL and the
// auxiliary vector, with sp 16-byte aligned at argc.
#pragma once

#include <cstdint>

#include "loader.hpp"
#include "process_state.hpp"
#include "vm/core/result.hpp"

namespace vm::engine::linux_user {

// Auxiliary vector keys (include/uapi/linux/auxvec.h).
inline constexpr std::uint64_t kAtNull = 0, kAtPhdr = 3, kAtPhent = 4, kAtPhnum = 5, kAtPagesz = 6, kAtBase = 7,
                               kAtFlags = 8, kAtEntry = 9, kAtUid = 11, kAtEuid = 12, kAtGid = 13, kAtEgid = 14,
                               kAtHwcap = 16, kAtClktck = 17, kAtSecure = 23, kAtRandom = 25, kAtExecfn = 31;

// AT_HWCAP for RV64IMAFDC: one bit per single-letter extension.
constexpr std::uint64_t hwcap_bit(char letter) { return std::uint64_t{1} << (letter - 'A'); }
inline constexpr std::uint64_t kRv64gcHwcap =
    hwcap_bit('I') | hwcap_bit('M') | hwcap_bit('A') | hwcap_bit('F') | hwcap_bit('D') | hwcap_bit('C');

// Maps the stack [layout.stack_bottom, layout.stack_top) and fills it from
// ps.options (argv, envp, exe_path as AT_EXECFN). Returns the initial sp.
vm::Result<std::uint64_t> build_initial_stack(ProcessState& ps, const LoadedImage& image);

}  // namespace vm::engine::linux_user
