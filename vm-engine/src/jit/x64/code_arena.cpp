#include "jit/x64/code_arena.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace vm::engine::jit::x64 {

namespace {
constexpr std::size_t kPage = 4096;
std::size_t round_up(std::size_t v, std::size_t to) { return (v + to - 1) / to * to; }
}  // namespace

vm::Result<std::unique_ptr<CodeArena>> CodeArena::create(std::size_t capacity) {
  capacity = round_up(capacity, kPage);
  const int fd = memfd_create("vm-baseline-code", MFD_CLOEXEC);
  if (fd >= 0) {
    void* write = MAP_FAILED;
    void* exec = MAP_FAILED;
    if (ftruncate(fd, static_cast<off_t>(capacity)) == 0) {
      write = mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
      exec = mmap(nullptr, capacity, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    }
    close(fd);  // the mappings keep the memory
    if (write != MAP_FAILED && exec != MAP_FAILED)
      return std::unique_ptr<CodeArena>(
          new CodeArena(static_cast<std::uint8_t*>(write), static_cast<std::uint8_t*>(exec), capacity, true));
    if (write != MAP_FAILED) munmap(write, capacity);
    if (exec != MAP_FAILED) munmap(exec, capacity);
  }
  // No memfd (old kernel, seccomp): one mapping, made writable only while
  // add() copies into it.
  void* p = mmap(nullptr, capacity, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    return vm::make_error(vm::ErrorCode::kResourceExhausted, "cannot map " + std::to_string(capacity >> 20) +
                                                                 " MiB for baseline code: " + std::strerror(errno));
  auto* bytes = static_cast<std::uint8_t*>(p);
  return std::unique_ptr<CodeArena>(new CodeArena(bytes, bytes, capacity, false));
}

CodeArena::~CodeArena() {
  munmap(exec_, capacity_);
  if (dual_) munmap(write_, capacity_);
}

const void* CodeArena::add(const std::uint8_t* code, std::size_t size) {
  const std::size_t start = round_up(used_, 16);  // aligned entries decode faster
  if (start + size > capacity_) return nullptr;
  if (dual_) {
    std::memcpy(write_ + start, code, size);
  } else {
    std::uint8_t* first = write_ + start / kPage * kPage;
    const std::size_t span = round_up(start + size, kPage) - start / kPage * kPage;
    if (mprotect(first, span, PROT_READ | PROT_WRITE) != 0) return nullptr;
    std::memcpy(write_ + start, code, size);
    if (mprotect(first, span, PROT_READ | PROT_EXEC) != 0) return nullptr;
  }
  used_ = start + size;
  return exec_ + start;
}

}  // namespace vm::engine::jit::x64
