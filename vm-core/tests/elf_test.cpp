#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "elf_image_builder.hpp"
#include "vm/core/elf.hpp"

namespace {

using vm::ErrorCode;
using vm::core::ElfFile;
using vm::core::ElfProgramHeader;
using vm::core::ElfReadOptions;
using vm::core::testing::ElfImageBuilder;
using vm::core::testing::store_le;
namespace core = vm::core;

vm::Result<ElfFile> parse(const std::vector<std::uint8_t>& image, const ElfReadOptions& options = {}) {
  return core::parse_elf(image, "img", options);
}

// The error message of a failed parse, after checking its code.
std::string error_message(const vm::Result<ElfFile>& result, ErrorCode code) {
  REQUIRE_FALSE(result.has_value());
  CHECK(result.error().code() == code);
  return result.error().message();
}

ElfProgramHeader load(std::uint32_t flags, std::uint64_t offset, std::uint64_t vaddr, std::uint64_t filesz,
                      std::uint64_t memsz, std::uint64_t align = 0x1000) {
  return {.type = core::kPtLoad,
          .flags = flags,
          .offset = offset,
          .vaddr = vaddr,
          .paddr = vaddr,
          .filesz = filesz,
          .memsz = memsz,
          .align = align};
}

ElfProgramHeader segment(std::uint32_t type, std::uint64_t offset, std::uint64_t filesz) {
  return {.type = type,
          .flags = core::kPfR,
          .offset = offset,
          .vaddr = 0,
          .paddr = 0,
          .filesz = filesz,
          .memsz = filesz,
          .align = 1};
}

constexpr std::uint32_t kRX = core::kPfR | core::kPfX;
constexpr std::uint32_t kRW = core::kPfR | core::kPfW;

}  // namespace

TEST_CASE("a minimal valid executable parses", "[elf]") {
  auto image = ElfImageBuilder().build();
  auto elf = parse(image);
  REQUIRE(elf.has_value());
  CHECK(elf->type == core::kEtExec);
  CHECK_FALSE(elf->is_pie());
  CHECK(elf->machine == core::kEmRiscv);
  CHECK(elf->entry == ElfImageBuilder::kDefaultEntry);
  CHECK(elf->phoff == 64);
  CHECK(elf->phentsize == 56);
  CHECK(elf->phnum == 1);
  REQUIRE(elf->program_headers.size() == 1);
  const auto& ph = elf->program_headers[0];
  CHECK(ph.type == core::kPtLoad);
  CHECK(ph.flags == kRX);
  CHECK(ph.vaddr == ElfImageBuilder::kBase);
  CHECK(ph.filesz == 0x1000);
  CHECK(ph.align == 0x1000);
  CHECK_FALSE(elf->interpreter.has_value());
  CHECK(elf->bytes == image);
  auto data = elf->file_bytes(ph);
  CHECK(data.data() == elf->bytes.data());
  CHECK(data.size() == 0x1000);
}

TEST_CASE("a PIE with data segment, bss and interpreter parses", "[elf]") {
  std::string path = "/lib/ld-linux-riscv64.so.1";
  auto image = ElfImageBuilder()
                   .type(core::kEtDyn)
                   .file_size(0x3000)
                   .segment(load(kRW, 0x1000, 0x11000, 0x800, 0x2000))
                   .segment(segment(core::kPtInterp, 0x2000, path.size() + 1))
                   .segment(segment(core::kPtGnuStack, 0, 0))
                   .data(0x2000, path + '\0')
                   .build();
  auto elf = parse(image);
  REQUIRE(elf.has_value());
  CHECK(elf->is_pie());
  CHECK(elf->program_headers.size() == 4);
  CHECK(elf->program_headers[1].memsz == 0x2000);
  CHECK(elf->file_bytes(elf->program_headers[1]).size() == 0x800);
  REQUIRE(elf->interpreter.has_value());
  CHECK(*elf->interpreter == path);
}

TEST_CASE("PT_INTERP contents become the interpreter path", "[elf]") {
  std::string path = "/lib/ld-linux-riscv64-lp64d.so.1";
  auto image = ElfImageBuilder()
                   .file_size(0x2000)
                   .segment(segment(core::kPtInterp, 0x1800, path.size() + 1))
                   .data(0x1800, path + '\0')
                   .build();
  auto elf = parse(image);
  REQUIRE(elf.has_value());
  REQUIRE(elf->interpreter.has_value());
  CHECK(*elf->interpreter == path);
}

TEST_CASE("files that are not ELF or are too short", "[elf]") {
  CHECK(error_message(parse({}), ErrorCode::kMalformed) == "img: truncated ELF: file is empty");
  CHECK(error_message(parse({0x7f, 'E', 'L'}), ErrorCode::kMalformed) ==
        "img: truncated ELF: file size 3 is smaller than the 64-byte ELF header");
  auto header_only = ElfImageBuilder().build();
  header_only.resize(63);
  CHECK(error_message(parse(header_only), ErrorCode::kMalformed) ==
        "img: truncated ELF: file size 63 is smaller than the 64-byte ELF header");
  std::string text = "#!/bin/sh\necho hello\n";
  CHECK(error_message(parse({text.begin(), text.end()}), ErrorCode::kMalformed) ==
        "img: not an ELF file (bad magic at offset 0x0)");
  CHECK(error_message(parse({'M', 'Z'}), ErrorCode::kMalformed) == "img: not an ELF file (bad magic at offset 0x0)");
}

TEST_CASE("e_ident class, encoding, version and OS ABI", "[elf]") {
  auto image = ElfImageBuilder().build();
  SECTION("32-bit is unsupported and named") {
    image[4] = 1;
    auto msg = error_message(parse(image), ErrorCode::kUnsupported);
    CHECK(msg == "img: 32-bit ELF (ELFCLASS32) is not supported, expected 64-bit (ELFCLASS64)");
  }
  SECTION("invalid class") {
    image[4] = 7;
    CHECK(error_message(parse(image), ErrorCode::kMalformed) == "img: invalid ELF class 7 at offset 0x4");
  }
  SECTION("big-endian") {
    image[5] = 2;
    CHECK_THAT(error_message(parse(image), ErrorCode::kUnsupported),
               Catch::StartsWith("img: big-endian ELF (ELFDATA2MSB) is not supported"));
  }
  SECTION("invalid data encoding") {
    image[5] = 0;
    CHECK(error_message(parse(image), ErrorCode::kMalformed) == "img: invalid ELF data encoding 0 at offset 0x5");
  }
  SECTION("ident version") {
    image[6] = 0;
    CHECK(error_message(parse(image), ErrorCode::kMalformed) == "img: invalid ELF ident version 0 at offset 0x6");
  }
  SECTION("e_version") {
    store_le(image, 0x14, 2, 4);
    CHECK(error_message(parse(image), ErrorCode::kMalformed) == "img: invalid e_version 2 at offset 0x14");
  }
  SECTION("GNU/Linux OS ABI is accepted, FreeBSD is not") {
    image[7] = 3;
    CHECK(parse(image).has_value());
    image[7] = 9;
    CHECK_THAT(error_message(parse(image), ErrorCode::kUnsupported),
               Catch::StartsWith("img: OS ABI 9 at offset 0x7 is not supported"));
  }
}

TEST_CASE("e_type must be an executable", "[elf]") {
  SECTION("relocatable object") {
    auto msg = error_message(parse(ElfImageBuilder().type(1).build()), ErrorCode::kUnsupported);
    CHECK_THAT(msg, Catch::StartsWith("img: cannot run a relocatable object (ET_REL) (e_type 1)"));
  }
  SECTION("core dump") {
    auto msg = error_message(parse(ElfImageBuilder().type(4).build()), ErrorCode::kUnsupported);
    CHECK_THAT(msg, Catch::StartsWith("img: cannot run a core dump (ET_CORE) (e_type 4)"));
  }
  SECTION("ET_NONE and unknown values are malformed") {
    CHECK_THAT(error_message(parse(ElfImageBuilder().type(0).build()), ErrorCode::kMalformed),
               Catch::Contains("(ET_NONE) (e_type 0)"));
    CHECK_THAT(error_message(parse(ElfImageBuilder().type(0x99).build()), ErrorCode::kMalformed),
               Catch::Contains("unknown type (e_type 153)"));
  }
}

TEST_CASE("e_machine must match the required machine", "[elf]") {
  auto x86 = ElfImageBuilder().machine(62).build();
  CHECK(error_message(parse(x86), ErrorCode::kUnsupported) ==
        "img: wrong architecture: x86-64 (e_machine 62), expected RISC-V");
  CHECK(error_message(parse(ElfImageBuilder().machine(0x1234).build()), ErrorCode::kUnsupported) ==
        "img: wrong architecture: unknown (e_machine 4660), expected RISC-V");
  SECTION("any machine when none is required") {
    auto elf = parse(x86, ElfReadOptions{.required_machine = std::nullopt});
    REQUIRE(elf.has_value());
    CHECK(elf->machine == 62);
  }
  SECTION("another required machine") {
    auto riscv = ElfImageBuilder().build();
    CHECK(error_message(parse(riscv, ElfReadOptions{.required_machine = 183}), ErrorCode::kUnsupported) ==
          "img: wrong architecture: RISC-V (e_machine 243), expected AArch64");
  }
}

TEST_CASE("elf_machine_name", "[elf]") {
  CHECK(core::elf_machine_name(62) == "x86-64");
  CHECK(core::elf_machine_name(243) == "RISC-V");
  CHECK(core::elf_machine_name(183) == "AArch64");
  CHECK(core::elf_machine_name(3) == "x86");
  CHECK(core::elf_machine_name(0xbeef) == "unknown");
}

TEST_CASE("program header table shape and bounds", "[elf]") {
  auto image = ElfImageBuilder().build();
  SECTION("e_phentsize") {
    store_le(image, 0x36, 32, 2);
    CHECK(error_message(parse(image), ErrorCode::kMalformed) ==
          "img: e_phentsize is 32 at offset 0x36, expected 56 for ELF64");
  }
  SECTION("PN_XNUM") {
    store_le(image, 0x38, 0xffff, 2);
    CHECK_THAT(error_message(parse(image), ErrorCode::kUnsupported),
               Catch::StartsWith("img: e_phnum is PN_XNUM (0xffff)"));
  }
  SECTION("table past end of file") {
    store_le(image, 0x20, 0x1000 - 50, 8);
    CHECK(error_message(parse(image), ErrorCode::kMalformed) ==
          "img: truncated ELF: program header table at offset 0xfce (1 entries of 56 bytes) "
          "extends past end of file (size 4096)");
  }
  SECTION("too many entries") {
    store_le(image, 0x38, 200, 2);
    CHECK_THAT(error_message(parse(image), ErrorCode::kMalformed),
               Catch::Contains("(200 entries of 56 bytes) extends past end of file (size 4096)"));
  }
  SECTION("offset that would overflow") {
    store_le(image, 0x20, ~std::uint64_t{0} - 8, 8);
    CHECK_THAT(error_message(parse(image), ErrorCode::kMalformed),
               Catch::StartsWith("img: truncated ELF: program header table at offset "
                                 "0xfffffffffffffff7"));
  }
}

TEST_CASE("PT_LOAD segment rules", "[elf]") {
  ElfImageBuilder builder;
  SECTION("file range past end of file") {
    builder.segment(load(kRW, 0x800, 0x20000, 0x900, 0x900));
    CHECK(error_message(parse(builder.build()), ErrorCode::kMalformed) ==
          "img: truncated ELF: program header 0x1 (PT_LOAD) file range offset 0x800 + filesz "
          "0x900 extends past end of file (size 4096)");
  }
  SECTION("file offset that would overflow") {
    builder.segment(load(kRW, ~std::uint64_t{0}, 0x20000, 0x10, 0x10, 1));
    CHECK_THAT(error_message(parse(builder.build()), ErrorCode::kMalformed),
               Catch::Contains("program header 0x1 (PT_LOAD) file range offset "
                               "0xffffffffffffffff + filesz 0x10 extends past end of file"));
  }
  SECTION("filesz larger than memsz") {
    builder.segment(load(kRW, 0x0, 0x20000, 0x200, 0x100));
    CHECK(error_message(parse(builder.build()), ErrorCode::kMalformed) ==
          "img: program header 0x1 (PT_LOAD) has filesz 0x200 larger than memsz 0x100");
  }
  SECTION("vaddr + memsz overflows") {
    builder.segment(load(kRW, 0x0, 0xfffffffffffff000, 0x100, 0x2000));
    CHECK(error_message(parse(builder.build()), ErrorCode::kMalformed) ==
          "img: program header 0x1 (PT_LOAD) vaddr 0xfffffffffffff000 + memsz 0x2000 "
          "overflows the 64-bit address space");
  }
  SECTION("alignment not a power of two") {
    builder.segment(load(kRW, 0x0, 0x30000, 0x10, 0x10, 0x3000));
    CHECK(error_message(parse(builder.build()), ErrorCode::kMalformed) ==
          "img: program header 0x1 (PT_LOAD) alignment 0x3000 is not a power of two");
  }
  SECTION("vaddr and offset not congruent") {
    builder.segment(load(kRW, 0x10, 0x30020, 0x10, 0x10, 0x1000));
    CHECK_THAT(error_message(parse(builder.build()), ErrorCode::kMalformed),
               Catch::Contains("vaddr 0x30020 and offset 0x10 are not congruent modulo "
                               "alignment 0x1000"));
  }
  SECTION("a memsz-only segment (bss) may start past the end of the file") {
    builder.segment(load(kRW, 0x5000, 0x25000, 0, 0x1000));
    CHECK(parse(builder.build()).has_value());
  }
}

TEST_CASE("PT_LOAD segments must not overlap", "[elf]") {
  ElfImageBuilder builder;  // segment 0 covers [0x10000, 0x11000)
  SECTION("overlap by one byte names both segments and ranges") {
    builder.segment(load(kRW, 0x0, 0x20000, 0x100, 0x100, 1));
    builder.segment(load(kRW, 0x0, 0x10fff, 0x10, 0x10, 1));
    CHECK(error_message(parse(builder.build()), ErrorCode::kMalformed) ==
          "img: PT_LOAD segments overlap: program header 0x0 [0x10000, 0x11000) and program "
          "header 0x2 [0x10fff, 0x1100f)");
  }
  SECTION("a segment nested inside another") {
    builder.segment(load(kRW, 0x0, 0x10400, 0x10, 0x10, 1));
    CHECK_THAT(error_message(parse(builder.build()), ErrorCode::kMalformed),
               Catch::Contains("program header 0x0 [0x10000, 0x11000) and program header 0x1 "
                               "[0x10400, 0x10410)"));
  }
  SECTION("adjacent segments sharing a page but no byte are fine") {
    builder.segment(load(kRW, 0x0, 0x11000, 0x10, 0x10, 1));
    builder.segment(load(kRW, 0x0, 0x11010, 0x10, 0x10, 1));
    CHECK(parse(builder.build()).has_value());
  }
  SECTION("segments listed out of address order are still compared") {
    builder.segment(load(kRW, 0x0, 0x30000, 0x10, 0x1000, 1));
    builder.segment(load(kRW, 0x0, 0x20000, 0x10, 0x10800, 1));
    CHECK_THAT(error_message(parse(builder.build()), ErrorCode::kMalformed),
               Catch::Contains("program header 0x1 [0x30000, 0x31000) and program header 0x2 "
                               "[0x20000, 0x30800)"));
  }
}

TEST_CASE("at least one PT_LOAD and a valid entry point", "[elf]") {
  SECTION("no program headers") {
    auto image = ElfImageBuilder().clear_segments().build();
    CHECK(error_message(parse(image), ErrorCode::kMalformed) ==
          "img: no PT_LOAD segment among 0 program headers at offset 0x40");
  }
  SECTION("only a note") {
    auto image = ElfImageBuilder().clear_segments().segment(segment(4, 0x100, 0x20)).build();
    CHECK_THAT(error_message(parse(image), ErrorCode::kMalformed),
               Catch::StartsWith("img: no PT_LOAD segment among 1 program headers"));
  }
  SECTION("entry outside every segment") {
    auto image = ElfImageBuilder().entry(0x11000).build();
    CHECK(error_message(parse(image), ErrorCode::kMalformed) ==
          "img: entry point 0x11000 is outside every PT_LOAD segment");
  }
  SECTION("entry in a non-executable segment") {
    auto image = ElfImageBuilder().entry(0x20010).segment(load(kRW, 0, 0x20000, 0x100, 0x100)).build();
    CHECK(error_message(parse(image), ErrorCode::kMalformed) ==
          "img: entry point 0x20010 lies in non-executable program header 0x1 (PT_LOAD) "
          "[0x20000, 0x20100) with flags RW-");
  }
  SECTION("entry at the last byte of the executable segment") {
    CHECK(parse(ElfImageBuilder().entry(0x10fff).build()).has_value());
  }
}

TEST_CASE("PT_INTERP bounds and termination", "[elf]") {
  ElfImageBuilder builder;
  SECTION("past end of file") {
    builder.segment(segment(core::kPtInterp, 0xff0, 0x20));
    CHECK(error_message(parse(builder.build()), ErrorCode::kMalformed) ==
          "img: truncated ELF: program header 0x1 (PT_INTERP) file range offset 0xff0 + filesz "
          "0x20 extends past end of file (size 4096)");
  }
  SECTION("not NUL-terminated") {
    builder.segment(segment(core::kPtInterp, 0x800, 4)).data(0x800, "/lib");
    CHECK(error_message(parse(builder.build()), ErrorCode::kMalformed) ==
          "img: program header 0x1 (PT_INTERP) interpreter path at offset 0x800 (filesz 0x4) is "
          "not NUL-terminated");
  }
  SECTION("empty path") {
    builder.segment(segment(core::kPtInterp, 0x800, 1));
    CHECK_THAT(error_message(parse(builder.build()), ErrorCode::kMalformed),
               Catch::EndsWith("interpreter path is empty"));
  }
  SECTION("embedded NUL") {
    builder.segment(segment(core::kPtInterp, 0x800, 6)).data(0x800, std::string("/l\0ib", 5));
    CHECK(error_message(parse(builder.build()), ErrorCode::kMalformed) ==
          "img: program header 0x1 (PT_INTERP) interpreter path at offset 0x800 has an embedded "
          "NUL at offset 0x802");
  }
  SECTION("two interpreters") {
    builder.segment(segment(core::kPtInterp, 0x800, 3)).data(0x800, std::string("/a\0", 3));
    builder.segment(segment(core::kPtInterp, 0x800, 3));
    CHECK(error_message(parse(builder.build()), ErrorCode::kMalformed) ==
          "img: second PT_INTERP segment at program header 0x2");
  }
}

TEST_CASE("other segments: file ranges checked, PT_NULL ignored", "[elf]") {
  SECTION("PT_TLS past end of file") {
    auto image = ElfImageBuilder().segment(segment(core::kPtTls, 0x2000, 0x10)).build();
    CHECK_THAT(error_message(parse(image), ErrorCode::kMalformed),
               Catch::Contains("program header 0x1 (PT_TLS) file range offset 0x2000"));
  }
  SECTION("unknown type is named by value") {
    auto image = ElfImageBuilder().segment(segment(0x60000001, 0x2000, 0x10)).build();
    CHECK_THAT(error_message(parse(image), ErrorCode::kMalformed),
               Catch::Contains("program header 0x1 (type 0x60000001)"));
  }
  SECTION("garbage in a PT_NULL entry") {
    auto image = ElfImageBuilder().segment(segment(core::kPtNull, ~0ull, ~0ull)).build();
    CHECK(parse(image).has_value());
  }
}

TEST_CASE("file_bytes clamps ranges to the file", "[elf]") {
  auto elf = parse(ElfImageBuilder().build());
  REQUIRE(elf.has_value());
  CHECK(elf->file_bytes(segment(core::kPtNote, 0xff0, 0x100)).size() == 0x10);
  CHECK(elf->file_bytes(segment(core::kPtNote, 0x5000, 0x100)).empty());
  CHECK(elf->file_bytes(segment(core::kPtNote, 0x10, 0)).empty());
}

namespace {

// A scratch directory removed at the end of the test.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() / ("vm_core_elf_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

void write_file(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

TEST_CASE("read_elf_file reads and reports file errors", "[elf][file]") {
  TempDir dir;
  SECTION("a valid file") {
    auto image = ElfImageBuilder().build();
    auto path = (dir.path / "ok.elf").string();
    write_file(path, image);
    auto elf = core::read_elf_file(path);
    REQUIRE(elf.has_value());
    CHECK(elf->bytes == image);
  }
  SECTION("errors name the path") {
    auto path = (dir.path / "bad.elf").string();
    write_file(path, ElfImageBuilder().machine(62).build());
    auto elf = core::read_elf_file(path);
    CHECK(error_message(elf, ErrorCode::kUnsupported) ==
          path + ": wrong architecture: x86-64 (e_machine 62), expected RISC-V");
  }
  SECTION("empty file") {
    auto path = (dir.path / "empty").string();
    write_file(path, {});
    CHECK(error_message(core::read_elf_file(path), ErrorCode::kMalformed) == path + ": truncated ELF: file is empty");
  }
  SECTION("missing file") {
    auto path = (dir.path / "missing").string();
    CHECK(error_message(core::read_elf_file(path), ErrorCode::kNotFound) == path + ": No such file or directory");
  }
  SECTION("directory") {
    CHECK(error_message(core::read_elf_file(dir.path.string()), ErrorCode::kInvalidArgument) ==
          dir.path.string() + ": is a directory");
  }
  SECTION("device") {
    CHECK(error_message(core::read_elf_file("/dev/null"), ErrorCode::kInvalidArgument) ==
          "/dev/null: is not a regular file");
  }
  SECTION("a regular file whose read fails") {
    // Reading address 0 of our own memory fails with EIO even as root.
    CHECK(error_message(core::read_elf_file("/proc/self/mem"), ErrorCode::kIoError) ==
          "/proc/self/mem: Input/output error");
  }
  SECTION("a file without read permission") {
    auto path = (dir.path / "noperm").string();
    write_file(path, ElfImageBuilder().build());
    ::chmod(path.c_str(), 0);
    auto elf = core::read_elf_file(path);
    if (::geteuid() == 0) {
      CHECK(elf.has_value());  // root bypasses file permissions
    } else {
      CHECK(error_message(elf, ErrorCode::kIoError) == path + ": Permission denied");
    }
  }
}

TEST_CASE("real host binaries", "[elf][file]") {
  if (std::filesystem::exists("/bin/ls")) {
    auto any = core::read_elf_file("/bin/ls", ElfReadOptions{.required_machine = std::nullopt});
    REQUIRE(any.has_value());
    CHECK(any->machine != core::kEmRiscv);
    CHECK(any->interpreter.has_value());
    auto riscv = core::read_elf_file("/bin/ls");
    std::string expected = "/bin/ls: wrong architecture: " + std::string(core::elf_machine_name(any->machine)) +
                           " (e_machine " + std::to_string(any->machine) + "), expected RISC-V";
    CHECK(error_message(riscv, ErrorCode::kUnsupported) == expected);
  }
  // The cross toolchain's dynamic linker is a real RISC-V ET_DYN.
  const char* ld = "/usr/riscv64-linux-gnu/lib/ld-linux-riscv64-lp64d.so.1";
  if (std::filesystem::exists(ld)) {
    auto elf = core::read_elf_file(ld);
    REQUIRE(elf.has_value());
    CHECK(elf->is_pie());
    CHECK_FALSE(elf->interpreter.has_value());
  }
}
