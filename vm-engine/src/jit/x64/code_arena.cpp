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
  // Shared anonymous memory, mapped a second time by mremap (old size 0):
  // /proc/PID/maps shows both as /dev/zero, which `perf` treats as
  // anonymous and names from /tmp/perf-PID.map (it does not for a memfd).
  void* write = mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (write != MAP_FAILED) {
    void* exec = mremap(write, 0, capacity, MREMAP_MAYMOVE);
    if (exec != MAP_FAILED && mprotect(exec, capacity, PROT_READ | PROT_EXEC) == 0)
      return std::unique_ptr<CodeArena>(
          new CodeArena(static_cast<std::uint8_t*>(write), static_cast<std::uint8_t*>(exec), capacity, true));
    if (exec != MAP_FAILED) munmap(exec, capacity);
    munmap(write, capacity);
  }
  // No second mapping (mremap refused): one mapping, made writable only
  // while add() copies into it.
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
