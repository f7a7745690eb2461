// Compile-time proof that the values the syscall layer passes between guest
// and host unchanged really are the same on this host: errno numbers (host
// errors become guest -errno as they are), AT_* flags, clock ids, whence
// values and the layout of structs copied byte for byte. A host where one of
// these differs needs a translation table, and fails here instead of
// misbehaving at run time.
#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

#include "guest_abi.hpp"

namespace vm::engine::linux_user {
namespace {

// asm-generic/errno-base.h and errno.h values for the errors host calls return.
static_assert(EPERM == 1 && ENOENT == 2 && ESRCH == 3 && EINTR == 4 && EIO == 5 && ENXIO == 6);
static_assert(E2BIG == 7 && ENOEXEC == 8 && EBADF == 9 && ECHILD == 10 && EAGAIN == 11);
static_assert(ENOMEM == 12 && EACCES == 13 && EFAULT == 14 && EBUSY == 16 && EEXIST == 17);
static_assert(EXDEV == 18 && ENODEV == 19 && ENOTDIR == 20 && EISDIR == 21 && EINVAL == 22);
static_assert(ENFILE == 23 && EMFILE == 24 && ENOTTY == 25 && ETXTBSY == 26 && EFBIG == 27);
static_assert(ENOSPC == 28 && ESPIPE == 29 && EROFS == 30 && EMLINK == 31 && EPIPE == 32);
static_assert(EDOM == 33 && ERANGE == 34 && EDEADLK == 35 && ENAMETOOLONG == 36 && ENOLCK == 37);
static_assert(ENOSYS == 38 && ENOTEMPTY == 39 && ELOOP == 40 && ENODATA == 61 && ETIME == 62);
static_assert(EOVERFLOW == 75 && EILSEQ == 84 && ENOTSUP == 95 && ETIMEDOUT == 110);
static_assert(EALREADY == 114 && EINPROGRESS == 115 && ESTALE == 116 && EDQUOT == 122);
static_assert(ECANCELED == 125 && EOWNERDEAD == 130);

static_assert(AT_FDCWD == abi::kAtFdCwd);
static_assert(AT_SYMLINK_NOFOLLOW == abi::kAtSymlinkNoFollow && AT_REMOVEDIR == abi::kAtRemoveDir);
static_assert(AT_EACCESS == abi::kAtEaccess && AT_SYMLINK_FOLLOW == abi::kAtSymlinkFollow);
static_assert(AT_NO_AUTOMOUNT == abi::kAtNoAutomount && AT_EMPTY_PATH == abi::kAtEmptyPath);
static_assert(SEEK_SET == 0 && SEEK_CUR == 1 && SEEK_END == 2 && SEEK_DATA == 3 && SEEK_HOLE == 4);
static_assert(F_GETLK == 5 && F_SETLK == 6 && F_SETLKW == 7);
static_assert(F_OK == 0 && X_OK == 1 && W_OK == 2 && R_OK == 4);
static_assert(CLOCK_REALTIME == 0 && CLOCK_MONOTONIC == 1 && CLOCK_PROCESS_CPUTIME_ID == 2);
static_assert(CLOCK_THREAD_CPUTIME_ID == 3 && CLOCK_MONOTONIC_RAW == 4 && CLOCK_REALTIME_COARSE == 5);
static_assert(CLOCK_MONOTONIC_COARSE == 6 && CLOCK_BOOTTIME == 7 && TIMER_ABSTIME == 1);
static_assert(RLIMIT_CPU == 0 && RLIMIT_FSIZE == 1 && RLIMIT_DATA == 2 && RLIMIT_STACK == 3);
static_assert(RLIMIT_CORE == 4 && RLIMIT_NOFILE == 7 && RLIMIT_AS == 9 && RLIM_NLIMITS == 16);
static_assert(RUSAGE_SELF == 0 && RUSAGE_CHILDREN == -1 && RUSAGE_THREAD == 1);

// Structs whose bytes are copied unchanged (riscv64 is LP64 like the host).
static_assert(sizeof(timespec) == 16 && sizeof(timeval) == 16);
static_assert(sizeof(iovec) == 16);
static_assert(sizeof(rusage) == 144);
static_assert(sizeof(struct sysinfo) == 112);
static_assert(sizeof(struct tms) == 32);
static_assert(sizeof(struct statx) == 256);
static_assert(sizeof(rlimit) == 16);

}  // namespace
}  // namespace vm::engine::linux_user
