#include "file_read.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vm::core {
namespace {

Unexpected<Error> os_error(const std::string& path, int err) {
  ErrorCode code = (err == ENOENT) ? ErrorCode::kNotFound : ErrorCode::kIoError;
  return make_error(code, path + ": " + std::strerror(err));
}

// Reads until EOF rather than trusting st_size, which is 0 for /proc files.
Result<std::vector<std::uint8_t>> read_all(int fd, const std::string& path, std::size_t hint) {
  std::vector<std::uint8_t> bytes;
  bytes.reserve(hint);
  std::uint8_t chunk[64 * 1024];
  for (;;) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      return os_error(path, errno);
    }
    bytes.insert(bytes.end(), chunk, chunk + n);
  }
  return bytes;
}

// Closes the descriptor on every return path.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

Result<std::vector<std::uint8_t>> read_file_bytes(const std::string& path) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return os_error(path, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return os_error(path, errno);
  if (!S_ISREG(st.st_mode)) {
    const char* what = S_ISDIR(st.st_mode) ? "is a directory" : "is not a regular file";
    return make_error(ErrorCode::kInvalidArgument, path + ": " + what);
  }
  return read_all(fd.get(), path, static_cast<std::size_t>(st.st_size));
}

}  // namespace vm::core
