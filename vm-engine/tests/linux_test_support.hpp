// Shared pieces of the [linux] tests: an in-memory builder of tiny static
// RV64 ELF files (so the tests never need a cross compiler), a temporary
// directory, a Process wrapper that issues syscalls the way an ecall would,
// and a stderr capture for the one-line reports.
#pragma once

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vm/engine/linux/process.hpp"

namespace linux_test {

using vm::engine::CpuState;
using vm::engine::linux_user::Process;
using vm::engine::linux_user::ProcessOptions;
using vm::engine::linux_user::SyscallOutcome;

inline constexpr std::uint32_t kPfX = 1, kPfW = 2, kPfR = 4;
inline constexpr std::uint64_t kPage = 4096;

struct SegmentSpec {
  std::uint64_t vaddr = 0;  // page-aligned for the first segment
  std::uint32_t flags = kPfR;
  std::vector<std::uint8_t> data;
  std::uint64_t bss = 0;  // zero bytes after data
};

struct ElfSpec {
  std::uint16_t type = 2;  // ET_EXEC; 3 = ET_DYN
  std::vector<SegmentSpec> segments;
  std::optional<std::string> interpreter;
  bool phdr_segment = false;
  std::uint64_t entry_offset = 0;  // entry = address of segment 0's data + this
};

// Where the builder put things, as guest addresses (before any load bias).
struct BuiltElf {
  std::vector<std::uint8_t> bytes;
  std::vector<std::uint64_t> data_vaddr;  // address of each segment's data
  std::uint64_t entry = 0;
  std::uint64_t phdr_vaddr = 0;  // where the program headers are in memory
  std::uint16_t phnum = 0;
};

template <typename T>
void put(std::vector<std::uint8_t>& out, std::size_t at, T value) {
  if (out.size() < at + sizeof(T)) out.resize(at + sizeof(T));
  std::memcpy(out.data() + at, &value, sizeof(T));
}

// Layout as linkers make it: the first PT_LOAD starts at file offset 0 and
// holds the ELF header, program headers and interpreter string, then its data.
inline BuiltElf build_elf(const ElfSpec& spec) {
  BuiltElf out;
  const std::size_t n = spec.segments.size() + (spec.interpreter ? 1 : 0) + (spec.phdr_segment ? 1 : 0);
  out.phnum = static_cast<std::uint16_t>(n);
  std::vector<std::uint8_t>& f = out.bytes;
  const std::size_t headers_end = 64 + 56 * n;
  std::size_t interp_offset = headers_end;
  std::size_t cursor = headers_end;
  if (spec.interpreter) cursor += spec.interpreter->size() + 1;
  cursor = (cursor + 15) & ~std::size_t{15};

  struct Placed {
    std::uint64_t offset, vaddr, filesz, memsz;
  };
  std::vector<Placed> placed;
  for (std::size_t i = 0; i < spec.segments.size(); ++i) {
    const SegmentSpec& seg = spec.segments[i];
    if (i == 0) {
      const std::size_t data_at = cursor;
      f.resize(data_at);
      f.insert(f.end(), seg.data.begin(), seg.data.end());
      out.data_vaddr.push_back(seg.vaddr + data_at);
      placed.push_back({0, seg.vaddr, f.size(), f.size() + seg.bss});
    } else {
      std::size_t at = (f.size() + kPage - 1) & ~(kPage - 1);
      at += seg.vaddr % kPage;
      f.resize(at);
      f.insert(f.end(), seg.data.begin(), seg.data.end());
      out.data_vaddr.push_back(seg.vaddr);
      placed.push_back({at, seg.vaddr, seg.data.size(), seg.data.size() + seg.bss});
    }
  }
  if (spec.interpreter) {
    if (f.size() < interp_offset + spec.interpreter->size() + 1) f.resize(interp_offset + spec.interpreter->size() + 1);
    std::memcpy(f.data() + interp_offset, spec.interpreter->c_str(), spec.interpreter->size() + 1);
  }
  out.entry = out.data_vaddr.at(0) + spec.entry_offset;
  out.phdr_vaddr = spec.segments.at(0).vaddr + 64;

  // ELF header.
  const std::uint8_t ident[16] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};
  std::memcpy(f.data(), ident, sizeof(ident));
  put<std::uint16_t>(f, 16, spec.type);
  put<std::uint16_t>(f, 18, 243);  // EM_RISCV
  put<std::uint32_t>(f, 20, 1);
  put<std::uint64_t>(f, 24, out.entry);
  put<std::uint64_t>(f, 32, 64);   // e_phoff
  put<std::uint64_t>(f, 40, 0);    // e_shoff
  put<std::uint32_t>(f, 48, 0x5);  // e_flags: RVC | double-float ABI
  put<std::uint16_t>(f, 52, 64);
  put<std::uint16_t>(f, 54, 56);
  put<std::uint16_t>(f, 56, out.phnum);
  put<std::uint16_t>(f, 58, 64);
  put<std::uint16_t>(f, 60, 0);
  put<std::uint16_t>(f, 62, 0);

  std::size_t ph = 64;
  auto program_header = [&](std::uint32_t type, std::uint32_t flags, std::uint64_t offset, std::uint64_t vaddr,
                            std::uint64_t filesz, std::uint64_t memsz, std::uint64_t align) {
    put<std::uint32_t>(f, ph, type);
    put<std::uint32_t>(f, ph + 4, flags);
    put<std::uint64_t>(f, ph + 8, offset);
    put<std::uint64_t>(f, ph + 16, vaddr);
    put<std::uint64_t>(f, ph + 24, vaddr);
    put<std::uint64_t>(f, ph + 32, filesz);
    put<std::uint64_t>(f, ph + 40, memsz);
    put<std::uint64_t>(f, ph + 48, align);
    ph += 56;
  };
  if (spec.phdr_segment) program_header(6, kPfR, 64, out.phdr_vaddr, 56 * n, 56 * n, 8);
  if (spec.interpreter) {
    program_header(3, kPfR, interp_offset, spec.segments[0].vaddr + interp_offset, spec.interpreter->size() + 1,
                   spec.interpreter->size() + 1, 1);
  }
  for (std::size_t i = 0; i < placed.size(); ++i) {
    program_header(1, spec.segments[i].flags, placed[i].offset, placed[i].vaddr, placed[i].filesz, placed[i].memsz,
                   kPage);
  }
  return out;
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "vm-linux-test-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  void write(const std::string& name, const std::vector<std::uint8_t>& bytes) const {
    std::ofstream out(file(name), std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }

 private:
  std::filesystem::path path_;
};

inline std::vector<std::uint8_t> words(std::initializer_list<std::uint32_t> insns) {
  std::vector<std::uint8_t> out;
  for (std::uint32_t w : insns) {
    for (int b = 0; b < 4; ++b) out.push_back(static_cast<std::uint8_t>(w >> (8 * b)));
  }
  return out;
}

// The usual test program: code (RX) at 0x10000, data (RW) with bss at 0x12000.
inline ElfSpec default_spec() {
  ElfSpec spec;
  spec.segments.push_back({0x10000, kPfR | kPfX, words({0x00000073, 0x00000073, 0x00000073, 0x00000073}), 0});
  spec.segments.push_back({0x12000, kPfR | kPfW, {1, 2, 3, 4, 5, 6, 7, 8}, 0x3000});
  return spec;
}

// riscv64 syscall numbers used by the tests.
namespace nr {
inline constexpr std::uint64_t getcwd = 17, dup = 23, dup3 = 24, fcntl = 25, ioctl = 29, mkdirat = 34, unlinkat = 35,
                               chdir = 49, openat = 56, close = 57, pipe2 = 59, getdents64 = 61, lseek = 62, read = 63,
                               write = 64, readv = 65, writev = 66, pread64 = 67, readlinkat = 78, newfstatat = 79,
                               fstat = 80, exit = 93, exit_group = 94, set_tid_address = 96, futex = 98,
                               nanosleep = 101, clock_gettime = 113, sched_getaffinity = 123, kill = 129, tgkill = 131,
                               sigaltstack = 132, rt_sigaction = 134, rt_sigprocmask = 135, rt_sigreturn = 139,
                               uname = 160, getrlimit = 163, umask = 166, gettimeofday = 169, getpid = 172,
                               gettid = 178, brk = 214, munmap = 215, mremap = 216, mmap = 222, mprotect = 226,
                               madvise = 233, riscv_hwprobe = 258, prlimit64 = 261, getrandom = 278, statx = 291;
}  // namespace nr

// A Process built from `spec` in its own temp dir, with syscall helpers.
class TestProcess {
 public:
  explicit TestProcess(const ElfSpec& spec = default_spec(), std::vector<std::string> argv = {},
                       std::vector<std::string> envp = {}, unsigned va_bits = 38)
      : built_(build_elf(spec)) {
    dir_.write("prog", built_.bytes);
    ProcessOptions options;
    options.exe_path = dir_.file("prog");
    options.argv = argv.empty() ? std::vector<std::string>{options.exe_path} : std::move(argv);
    options.envp = std::move(envp);
    options.va_bits = va_bits;
    auto created = Process::create(options);
    if (!created)
      error_ = created.error().message();
    else
      process_ = std::move(*created);
  }

  bool ok() const { return process_ != nullptr; }
  const std::string& error() const { return error_; }
  Process& process() { return *process_; }
  CpuState& cpu() { return process_->cpu(); }
  vm::mem::UserAddressSpace& memory() { return process_->memory(); }
  const BuiltElf& built() const { return built_; }
  const TempDir& dir() const { return dir_; }

  // Issues syscall `number` as an ecall at the current pc would.
  std::int64_t call(std::uint64_t number, std::uint64_t a0 = 0, std::uint64_t a1 = 0, std::uint64_t a2 = 0,
                    std::uint64_t a3 = 0, std::uint64_t a4 = 0, std::uint64_t a5 = 0) {
    CpuState& c = cpu();
    c.x(17) = number;
    c.x(10) = a0;
    c.x(11) = a1;
    c.x(12) = a2;
    c.x(13) = a3;
    c.x(14) = a4;
    c.x(15) = a5;
    last_outcome_ = process_->handle_ecall(c);
    return static_cast<std::int64_t>(c.x(10));
  }
  SyscallOutcome last_outcome() const { return last_outcome_; }

  // Anonymous read-write scratch memory in the guest.
  std::uint64_t scratch(std::uint64_t len = 64 * 1024) {
    return static_cast<std::uint64_t>(call(nr::mmap, 0, len, 3, 0x22, static_cast<std::uint64_t>(-1), 0));
  }
  void poke(std::uint64_t addr, const void* data, std::size_t len) {
    memory().write(addr, std::span(static_cast<const std::uint8_t*>(data), len), true);
  }
  void poke_string(std::uint64_t addr, const std::string& s) { poke(addr, s.c_str(), s.size() + 1); }
  template <typename T>
  T peek(std::uint64_t addr) {
    T value{};
    memory().read(addr, std::span(reinterpret_cast<std::uint8_t*>(&value), sizeof(T)));
    return value;
  }
  std::string peek_string(std::uint64_t addr) {
    std::string out;
    for (char c; (c = static_cast<char>(peek<std::uint8_t>(addr))) != 0; ++addr) out += c;
    return out;
  }

 private:
  TempDir dir_;
  BuiltElf built_;
  std::unique_ptr<Process> process_;
  std::string error_;
  SyscallOutcome last_outcome_ = SyscallOutcome::kContinue;
};

// Redirects the host's stderr into a file for the lifetime of the object.
class StderrCapture {
 public:
  StderrCapture() : path_(dir_.file("stderr")) {
    std::fflush(stderr);
    saved_ = ::dup(2);
    const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, 2);
    ::close(fd);
  }
  ~StderrCapture() { restore(); }
  std::string text() {
    restore();
    std::ifstream in(path_);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

 private:
  void restore() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    ::dup2(saved_, 2);
    ::close(saved_);
    saved_ = -1;
  }
  TempDir dir_;
  std::string path_;
  int saved_ = -1;
};

}  // namespace linux_test
