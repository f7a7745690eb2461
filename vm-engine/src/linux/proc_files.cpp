#include "proc_files.hpp"

#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>

#include "guest_abi.hpp"

namespace vm::engine::linux_user {
namespace {

// Linux pads the path to start at column 74 (25 + 6 * pointer size, plus a space).
constexpr std::size_t kPathColumn = 73;

std::string map_line(const Vma& vma) {
  std::uint64_t dev_major = 0, dev_minor = 0, inode = 0, offset = 0;
  if (vma.file) {
    struct stat st {};
    if (::fstat(vma.file->get(), &st) == 0) {
      dev_major = major(st.st_dev);
      dev_minor = minor(st.st_dev);
      inode = st.st_ino;
    }
    offset = vma.file_offset;
  }
  std::string line = fmt::format(
      "{:08x}-{:08x} {}{}{}{} {:08x} {:02x}:{:02x} {}", vma.start, vma.end,
      (vma.prot & abi::kProtRead) != 0 ? 'r' : '-', (vma.prot & abi::kProtWrite) != 0 ? 'w' : '-',
      (vma.prot & abi::kProtExec) != 0 ? 'x' : '-', vma.shared ? 's' : 'p', offset, dev_major, dev_minor, inode);
  if (!vma.name.empty()) {
    if (line.size() < kPathColumn) line.append(kPathColumn - line.size(), ' ');
    line += ' ';
    line += vma.name;
  }
  return line + '\n';
}

bool is_own_maps(const ProcessState& ps, const std::string& path) {
  return path == "/proc/self/maps" || path == "/proc/thread-self/maps" ||
         path == fmt::format("/proc/{}/maps", ps.pid) || path == fmt::format("/proc/{}/task/{}/maps", ps.pid, ps.pid);
}

}  // namespace

std::string proc_maps_text(const ProcessState& ps) {
  std::string text;
  for (const auto& [start, vma] : ps.vmas.areas()) text += map_line(vma);
  return text;
}

std::optional<std::int64_t> open_proc_file(const ProcessState& ps, const std::string& path, HostFd& out) {
  if (!is_own_maps(ps, path)) return std::nullopt;
  const std::string text = proc_maps_text(ps);
  HostFd file(::memfd_create("vm-proc-maps", MFD_CLOEXEC));
  if (!file.valid()) return -errno;
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(file.get(), text.data() + done, text.size() - done);
    if (n <= 0) return -EIO;
    done += static_cast<std::size_t>(n);
  }
  ::lseek(file.get(), 0, SEEK_SET);
  out = std::move(file);
  return 0;
}

}  // namespace vm::engine::linux_user
