#include "shared_file_sync.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

namespace vm::engine::linux_user {
namespace {

// Writes the runs of bytes where `now` differs from `synced`, then updates
// `synced`. `file_offset` is where both start in the file.
void write_changed_runs(int fd, std::uint64_t file_offset, const std::uint8_t* now, std::uint8_t* synced,
                        std::uint64_t len) {
  std::uint64_t i = 0;
  while (i < len) {
    if (now[i] == synced[i]) {
      ++i;
      continue;
    }
    std::uint64_t j = i + 1;
    while (j < len && now[j] != synced[j]) ++j;
    std::uint64_t done = 0;
    while (done < j - i) {
      const ssize_t n = ::pwrite(fd, now + i + done, j - i - done, static_cast<off_t>(file_offset + i + done));
      if (n <= 0) break;  // the file went away or is full: like a failed page writeback, not reported
      done += static_cast<std::uint64_t>(n);
    }
    std::memcpy(synced + i, now + i, j - i);
    i = j;
  }
}

}  // namespace

void write_back_shared_files(ProcessState& ps, std::uint64_t start, std::uint64_t end) {
  for (const Vma& piece : ps.vmas.slice(start, end)) {
    if (!piece.synced || !piece.file) continue;
    struct stat st {};
    if (::fstat(piece.file->get(), &st) < 0) continue;
    const auto file_size = static_cast<std::uint64_t>(st.st_size);
    if (piece.file_offset >= file_size) continue;
    const std::uint64_t len = std::min(piece.end - piece.start, file_size - piece.file_offset);
    SharedFileImage& image = *piece.synced;
    const std::uint64_t at = piece.file_offset - image.offset;
    if (at + len > image.bytes.size()) continue;  // grown by mremap past the image: nothing synced there
    write_changed_runs(piece.file->get(), piece.file_offset, ps.memory->host_base() + piece.start,
                       image.bytes.data() + at, len);
  }
}

void start_shared_file_image(ProcessState& ps, Vma& vma) {
  auto image = std::make_shared<SharedFileImage>();
  image->offset = vma.file_offset;
  const std::uint8_t* host = ps.memory->host_base() + vma.start;
  image->bytes.assign(host, host + (vma.end - vma.start));
  vma.synced = std::move(image);
}

void restart_shared_file_images(ProcessState& ps, std::uint64_t start, std::uint64_t end) {
  for (Vma piece : ps.vmas.slice(start, end)) {
    if (!piece.synced) continue;
    start_shared_file_image(ps, piece);
    ps.vmas.insert(std::move(piece));  // bookkeeping only: the pages stay as they are
  }
}

}  // namespace vm::engine::linux_user
