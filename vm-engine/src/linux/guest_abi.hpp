// Constants of the riscv64 Linux user ABI (the asm-generic values) that the
// syscall layer interprets itself. Values the host passes through unchanged
// are checked against the host's headers in guest_abi_checks.cpp.
#pragma once

#include <cstdint>

namespace vm::engine::linux_user::abi {

// mmap/mprotect
inline constexpr std::uint64_t kProtRead = 0x1, kProtWrite = 0x2, kProtExec = 0x4;
inline constexpr std::uint64_t kProtGrowsDown = 0x01000000, kProtGrowsUp = 0x02000000;
inline constexpr std::uint64_t kMapShared = 0x01, kMapPrivate = 0x02, kMapSharedValidate = 0x03, kMapTypeMask = 0x0f;
inline constexpr std::uint64_t kMapFixed = 0x10, kMapAnonymous = 0x20, kMapGrowsDown = 0x100, kMapDenyWrite = 0x800,
                               kMapExecutable = 0x1000, kMapLocked = 0x2000, kMapNoReserve = 0x4000,
                               kMapPopulate = 0x8000, kMapNonBlock = 0x10000, kMapStack = 0x20000,
                               kMapHugeTlb = 0x40000, kMapSync = 0x80000, kMapFixedNoReplace = 0x100000;
inline constexpr std::uint64_t kMremapMayMove = 1, kMremapFixed = 2, kMremapDontUnmap = 4;
inline constexpr std::uint64_t kMadvDontNeed = 4, kMadvFree = 8, kMadvRemove = 9;

// *at() calls
inline constexpr std::int64_t kAtFdCwd = -100;
inline constexpr std::uint64_t kAtSymlinkNoFollow = 0x100, kAtRemoveDir = 0x200, kAtEaccess = 0x200,
                               kAtSymlinkFollow = 0x400, kAtNoAutomount = 0x800, kAtEmptyPath = 0x1000;

// fcntl
inline constexpr std::uint64_t kFDupFd = 0, kFGetFd = 1, kFSetFd = 2, kFGetFl = 3, kFSetFl = 4, kFDupFdCloexec = 1030;
inline constexpr std::uint64_t kFdCloexec = 1;
inline constexpr std::uint64_t kOCloexec = 02000000;

// signals
inline constexpr int kNumSignals = 64;  // _NSIG
inline constexpr int kSigKill = 9, kSigStop = 19;
inline constexpr std::uint64_t kSigDfl = 0, kSigIgn = 1;
// sa_flags the kernel acts on. (SA_SIGINFO changes nothing on riscv64: the
// handler always gets a0..a2; SA_RESTART changes nothing while no syscall
// is ever interrupted.)
inline constexpr std::uint64_t kSaOnStack = 0x08000000, kSaNoDefer = 0x40000000, kSaResetHand = 0x80000000;
inline constexpr std::uint64_t kSigBlock = 0, kSigUnblock = 1, kSigSetMask = 2;
inline constexpr std::uint64_t kSigsetSize = 8;  // the kernel's sigset_t (64 signals)
inline constexpr std::int64_t kSsOnStack = 1, kSsDisable = 2;
inline constexpr std::uint64_t kMinSigStkSz = 2048;
// si_code values
inline constexpr std::int32_t kSiUser = 0, kSiTkill = -6;
inline constexpr std::int32_t kSegvMapErr = 1, kSegvAccErr = 2, kIllIllOpc = 1, kTrapBrkpt = 1, kBusAdrAln = 1;

// Linux syscall numbers the syscall layer itself needs (the full list is
// syscall_table.inc).
inline constexpr std::uint64_t kNrRtSigreturn = 139;

// Layout of the riscv64 rt signal frame: siginfo (128 bytes) then ucontext.
inline constexpr std::uint64_t kSiginfoSize = 128;
inline constexpr std::uint64_t kUcontextOffset = kSiginfoSize;
// uc_flags (0) and uc_link (8) stay zero.
inline constexpr std::uint64_t kUcStackOff = 16, kUcSigmaskOff = 40, kUcMcontextOff = 176;
inline constexpr std::uint64_t kUcontextSize = 960;
inline constexpr std::uint64_t kSigFrameSize = kSiginfoSize + kUcontextSize;
// In uc_mcontext: pc, x1..x31 (32 words), then f0..f31 (64-bit each) and fcsr.
inline constexpr std::uint64_t kMcFpOff = 256, kMcFcsrOff = 256 + 32 * 8;

}  // namespace vm::engine::linux_user::abi
