// Differential test of the disassembler (and the decoder's notion of what is
// legal) against GNU objdump, when riscv64-linux-gnu-objdump is installed:
// every compressed parcel, random encodings of every table row, random words,
// and real code (a static program compiled now, libm.a).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "vm/cross_arch/riscv/decoder.hpp"

using namespace vm::cross_arch::riscv;
namespace fs = std::filesystem;

namespace {

const char* const kObjdump = "riscv64-linux-gnu-objdump";
const char* const kGcc = "riscv64-linux-gnu-gcc";

bool tool_available(const char* tool) {
  return std::system((std::string(tool) + " --version > /dev/null 2>&1").c_str()) == 0;
}

// A scratch directory removed at the end of the test.
struct ScratchDir {
  fs::path path;
  ScratchDir() {
    static int counter = 0;
    path = fs::temp_directory_path() / ("vm_objdump_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(path);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct ObjdumpLine {
  std::uint64_t addr;
  std::uint32_t raw;
  unsigned length;
  std::string text;  // mnemonic<TAB>operands, without comments or <symbol>
};

// Removes objdump's annotations: " # comment" and " <symbol+off>".
std::string strip_annotations(std::string text) {
  if (auto hash = text.find(" #"); hash != std::string::npos) text.erase(hash);
  for (auto lt = text.find(" <"); lt != std::string::npos; lt = text.find(" <")) {
    const auto gt = text.find('>', lt);
    text.erase(lt, gt == std::string::npos ? std::string::npos : gt - lt + 1);
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

// Parses "  addr:\tbytes   \tmnemonic\toperands" lines.
std::vector<ObjdumpLine> parse_objdump(const std::string& output) {
  std::vector<ObjdumpLine> lines;
  std::istringstream in(output);
  std::string l;
  while (std::getline(in, l)) {
    const auto t1 = l.find(":\t");
    if (t1 == std::string::npos) continue;
    const auto t2 = l.find('\t', t1 + 2);
    if (t2 == std::string::npos) continue;
    const std::string addr = l.substr(0, t1), bytes = l.substr(t1 + 2, t2 - t1 - 2);
    char* end = nullptr;
    const std::uint64_t a = std::strtoull(addr.c_str(), &end, 16);
    if (end == addr.c_str()) continue;
    const std::string hexbytes = bytes.substr(0, bytes.find(' '));
    if (hexbytes.size() != 4 && hexbytes.size() != 8) continue;
    lines.push_back({a, static_cast<std::uint32_t>(std::strtoul(hexbytes.c_str(), nullptr, 16)),
                     static_cast<unsigned>(hexbytes.size() / 2), strip_annotations(l.substr(t2 + 1))});
  }
  return lines;
}

std::vector<ObjdumpLine> objdump_raw(const ScratchDir& dir, const std::vector<std::uint8_t>& bytes) {
  const fs::path bin = dir.path / "code.bin", out = dir.path / "code.dis";
  std::ofstream(bin, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  const std::string cmd = std::string(kObjdump) + " -D -b binary -m riscv:rv64 " + bin.string() + " > " + out.string();
  REQUIRE(std::system(cmd.c_str()) == 0);
  return parse_objdump(read_file(out));
}

bool is_objdump_illegal(const std::string& text) {
  return text.rfind(".2byte", 0) == 0 || text.rfind(".4byte", 0) == 0 || text.rfind(".insn", 0) == 0 || text == "unimp";
}

std::string mnemonic_of(const std::string& text) { return text.substr(0, text.find('\t')); }

// Instructions objdump knows that RV64GC does not have (privileged ones, Q
// and half-precision FP): we decode them as illegal.
bool outside_rv64gc(const std::string& mnemonic) {
  static const std::set<std::string> kPrivileged = {"mret",       "sret",        "dret",       "wfi",
                                                    "sfence.vma", "hfence.vvma", "hfence.gvma"};
  if (kPrivileged.count(mnemonic)) return true;
  for (const char* prefix : {"hlv.", "hlvx.", "hsv."}) {
    if (mnemonic.rfind(prefix, 0) == 0) return true;
  }
  const auto dot = mnemonic.rfind('.');
  const std::string suffix = dot == std::string::npos ? "" : mnemonic.substr(dot);
  return mnemonic[0] == 'f' && (suffix == ".q" || suffix == ".h" || mnemonic.find(".q.") != std::string::npos ||
                                mnemonic.find(".h.") != std::string::npos);
}

// Encodings the ISA reserves that objdump still prints: reserved rounding
// modes ("unknown") and c.addi16sp with a zero immediate.
bool reserved_by_spec(const ObjdumpLine& line) {
  const bool reserved_rm = line.text.find(",unknown") != std::string::npos && line.text.rfind("fence", 0) != 0;
  return reserved_rm || (line.length == 2 && line.raw == 0x6101);
}

// Objdump prints a target without a symbol as 0x<hex>; with one (ELF input)
// as <hex> <symbol>. We print the bare hex, so drop the 0x of raw dumps.
std::string without_target_prefix(std::string text) {
  const auto last = text.find_last_of(",\t");
  if (last != std::string::npos && text.compare(last + 1, 2, "0x") == 0) text.erase(last + 1, 2);
  return text;
}

// Encodings the ISA tells implementations to accept that objdump 2.40
// rejects: fence.i's reserved fields and fence's reserved fm values are
// ignored, and the exact conversions to double have a real rm field (objdump
// only knows rm = 0 for them; later binutils accept all).
bool accepted_by_spec_only(const DecodedInsn& d) {
  switch (d.id) {
    case InsnId::FENCE_I:
    case InsnId::FENCE:
      return true;
    case InsnId::FCVT_D_S:
    case InsnId::FCVT_D_W:
    case InsnId::FCVT_D_WU:
      return d.rm != 0;
    default:
      return false;
  }
}

// How many mismatches a failure lists (VM_OBJDUMP_MISMATCHES overrides).
std::size_t max_listed() {
  const char* env = std::getenv("VM_OBJDUMP_MISMATCHES");
  return env != nullptr ? std::strtoul(env, nullptr, 10) : 40;
}

struct Comparison {
  std::size_t compared = 0, tolerated = 0;
  std::vector<std::string> mismatches;

  void add(ObjdumpLine line) {
    const DecodedInsn d = decode(line.raw);
    const std::string ours = disassemble(d, line.addr);
    ++compared;
    const OperandFormat format = insn_info(d.id).format;
    if (format == OperandFormat::Branch || format == OperandFormat::Jal) line.text = without_target_prefix(line.text);
    if (ours == line.text) return;
    if (d.id == InsnId::kIllegal && reserved_by_spec(line)) {
      ++tolerated;
      if (std::getenv("VM_OBJDUMP_SHOW_TOLERATED")) std::printf("tolerated: %s\n", line.text.c_str());
      return;
    }
    if (d.id == InsnId::kIllegal && !is_objdump_illegal(line.text) && outside_rv64gc(mnemonic_of(line.text))) {
      ++tolerated;
      if (std::getenv("VM_OBJDUMP_SHOW_TOLERATED")) std::printf("tolerated: %s\n", line.text.c_str());
      return;
    }
    if (d.id != InsnId::kIllegal && is_objdump_illegal(line.text) && accepted_by_spec_only(d)) {
      ++tolerated;
      if (std::getenv("VM_OBJDUMP_SHOW_TOLERATED"))
        std::printf("tolerated: %s as %s\n", line.text.c_str(), ours.c_str());
      return;
    }
    if (mismatches.size() < max_listed()) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%08llx: %0*x ", static_cast<unsigned long long>(line.addr), line.length * 2,
                    line.raw);
      mismatches.push_back(std::string(buf) + "objdump '" + line.text + "' ours '" + ours + "'");
    } else {
      mismatches.emplace_back();
    }
  }

  void report(const char* what) {
    std::string text;
    for (const auto& m : mismatches) {
      if (!m.empty()) text += m + "\n";
    }
    INFO(what << ": " << compared << " compared, " << tolerated << " tolerated, " << mismatches.size()
              << " mismatches\n"
              << text);
    CHECK(compared > 0);
    CHECK(mismatches.empty());
  }
};

void append32(std::vector<std::uint8_t>& bytes, std::uint32_t w) {
  for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<std::uint8_t>(w >> (8 * i)));
}

// A random encoding of table row `id`: random bits outside the mask, biased
// towards zero registers and zero/one immediates, which trigger aliases.
std::uint32_t random_encoding(InsnId id, std::mt19937& rng) {
  const InsnInfo& info = insn_info(id);
  std::uint32_t free_bits = rng() & ~info.mask;
  const std::uint32_t field_masks[] = {0x00000f80, 0x000f8000, 0x01f00000, 0xfff00000, 0xfe000000};
  for (std::uint32_t m : field_masks) {
    if (rng() % 4 == 0) free_bits &= ~m;  // zero register / immediate
  }
  if (rng() % 8 == 0) free_bits = (free_bits & ~0xfff00000u) | (0x00100000u & ~info.mask);  // imm = 1
  if (rng() % 8 == 0) free_bits |= 0xfff00000u & ~info.mask;                                // imm = -1
  if (rng() % 4 == 0)
    free_bits = (free_bits & ~0x01f00000u) | (((free_bits >> 15) & 31) << 20 & ~info.mask);  // rs2 = rs1
  return info.match | free_bits;
}

}  // namespace

TEST_CASE("disassembly matches objdump for every compressed parcel", "[disasm][objdump][rvc]") {
  if (!tool_available(kObjdump)) {
    WARN("riscv64-linux-gnu-objdump not found; skipping the objdump comparison");
    return;
  }
  ScratchDir dir;
  std::vector<std::uint8_t> bytes;
  for (std::uint32_t p = 0; p < 0x10000; ++p) {
    if ((p & 3) == 3) continue;
    bytes.push_back(static_cast<std::uint8_t>(p));
    bytes.push_back(static_cast<std::uint8_t>(p >> 8));
  }
  Comparison cmp;
  for (const auto& line : objdump_raw(dir, bytes)) cmp.add(line);
  CHECK(cmp.compared == 3 * 0x4000);
  cmp.report("compressed");
}

TEST_CASE("disassembly matches objdump for random encodings of every table row", "[disasm][objdump]") {
  if (!tool_available(kObjdump)) {
    WARN("riscv64-linux-gnu-objdump not found; skipping the objdump comparison");
    return;
  }
  ScratchDir dir;
  std::mt19937 rng(20240601);
  std::vector<std::uint8_t> bytes;
  for (std::size_t k = 1; k < kInsnCount; ++k) {
    for (int n = 0; n < 300; ++n) append32(bytes, random_encoding(static_cast<InsnId>(k), rng));
  }
  Comparison cmp;
  for (const auto& line : objdump_raw(dir, bytes)) cmp.add(line);
  CHECK(cmp.compared == bytes.size() / 4);
  cmp.report("table rows");
}

TEST_CASE("decoder legality and disassembly match objdump for random words", "[disasm][objdump]") {
  if (!tool_available(kObjdump)) {
    WARN("riscv64-linux-gnu-objdump not found; skipping the objdump comparison");
    return;
  }
  ScratchDir dir;
  std::mt19937 rng(77);
  std::vector<std::uint8_t> bytes;
  while (bytes.size() < 4 * 100000) {
    const std::uint32_t w = rng() | 3;
    if ((w & 0x1f) == 0x1f) continue;  // 48-bit and longer encodings would desync objdump
    append32(bytes, w);
  }
  Comparison cmp;
  for (const auto& line : objdump_raw(dir, bytes)) cmp.add(line);
  cmp.report("random words");
}

TEST_CASE("disassembly matches objdump on real compiled code", "[disasm][objdump][elf]") {
  if (!tool_available(kObjdump)) {
    WARN("riscv64-linux-gnu-objdump not found; skipping the objdump comparison");
    return;
  }
  ScratchDir dir;
  std::vector<fs::path> inputs;
  if (tool_available(kGcc)) {
    const fs::path src = dir.path / "prog.c", exe = dir.path / "prog";
    std::ofstream(src)
        << "#include <math.h>\n#include <stdio.h>\n#include <stdlib.h>\n"
           "double f(double x, float y) { return sqrt(x) * y + fabs(x) - floor(-x) + fmaf(y, y, 1.0f); }\n"
           "int main(int argc, char** argv) {\n"
           "  long s = 0;\n"
           "  for (int i = 0; i < argc; ++i) s += i * (long)argv[i][0] / (argc + 1);\n"
           "  printf(\"%ld %f %lld\\n\", s, f(s, (float)argc), llabs(s) % 7);\n"
           "  return s == 3;\n}\n";
    const std::string cmd = std::string(kGcc) + " -O2 -static " + src.string() + " -o " + exe.string() + " -lm";
    if (std::system(cmd.c_str()) == 0) inputs.push_back(exe);
  }
  const fs::path libm = "/usr/riscv64-linux-gnu/lib/libm.a";
  if (fs::exists(libm)) inputs.push_back(libm);
  if (inputs.empty()) {
    WARN("no riscv64 compiler output or libm.a to compare against");
    return;
  }
  for (const auto& input : inputs) {
    const fs::path out = dir.path / "real.dis";
    const std::string cmd = std::string(kObjdump) + " -d " + input.string() + " > " + out.string();
    REQUIRE(std::system(cmd.c_str()) == 0);
    Comparison cmp;
    for (const auto& line : parse_objdump(read_file(out))) {
      if (line.text.rfind(".", 0) == 0 && line.text != "unimp") continue;  // data in code (mapping symbols)
      cmp.add(line);
    }
    cmp.report(input.c_str());
  }
}
