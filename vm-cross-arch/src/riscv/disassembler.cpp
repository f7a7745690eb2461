// Disassembly in the format of GNU objdump 2.40 (`riscv64-linux-gnu-objdump
// -d`): the same aliases, immediate radixes and operand order, so our text
// can be compared line by line with objdump's (tests/objdump_compare_test).
#include <fmt/format.h>

#include <string_view>

#include "riscv/compressed.hpp"
#include "riscv/csr_names.hpp"
#include "riscv/register_names.hpp"
#include "vm/cross_arch/riscv/decoder.hpp"

namespace vm::cross_arch::riscv {
namespace {

std::string_view x(unsigned r) { return kXRegNames[r & 31]; }
std::string_view f(unsigned r) { return kFRegNames[r & 31]; }
std::string_view reg(RegClass cls, unsigned r) { return cls == RegClass::kF ? f(r) : x(r); }

std::string csr_text(unsigned csr) {
  const std::string_view name = csr_name(csr);
  return name.empty() ? fmt::format("0x{:x}", csr) : std::string(name);
}

std::string target(const DecodedInsn& d, std::uint64_t pc) {
  return fmt::format("{:x}", pc + static_cast<std::uint64_t>(d.imm));
}

std::string line(std::string_view mnemonic, std::string_view operands) {
  if (operands.empty()) return std::string(mnemonic);
  return fmt::format("{}\t{}", mnemonic, operands);
}

constexpr std::array<std::string_view, 8> kRoundingModes = {"rne", "rtz", "rdn", "rup", "rmm", "", "", "dyn"};

// objdump leaves out the rounding mode when it is dynamic; the conversions
// that are always exact (to double from single or 32-bit integers) also
// leave out rne, the encoding assemblers give them.
std::string rm_suffix(const DecodedInsn& d) {
  if (d.rm == 7) return {};
  const bool exact = d.id == InsnId::FCVT_D_S || d.id == InsnId::FCVT_D_W || d.id == InsnId::FCVT_D_WU;
  if (exact && d.rm == 0) return {};
  return fmt::format(",{}", kRoundingModes[d.rm]);
}

std::string fence_set(unsigned set) {
  std::string s;
  if (set & 8) s += 'i';
  if (set & 4) s += 'o';
  if (set & 2) s += 'r';
  if (set & 1) s += 'w';
  return s.empty() ? "unknown" : s;
}

std::string fence_text(const DecodedInsn& d) {
  const unsigned fm = (d.imm >> 8) & 15, pred = (d.imm >> 4) & 15, succ = d.imm & 15;
  if (fm == 8 && pred == 3 && succ == 3) return "fence.tso";
  if (pred == 15 && succ == 15) return "fence";
  return line("fence", fence_set(pred) + "," + fence_set(succ));
}

// Aliases of the CSR instructions; empty when none applies.
std::string csr_alias(const DecodedInsn& d) {
  const bool imm_form = insn_info(d.id).format == OperandFormat::CsrImm;
  const std::string src = imm_form ? fmt::format("{}", d.imm) : std::string(x(d.rs1));
  const bool reads_only = d.id == InsnId::CSRRS && d.rs1 == 0;
  if (reads_only) {
    switch (d.csr) {
      case 0x001:
        return line("frflags", x(d.rd));
      case 0x002:
        return line("frrm", x(d.rd));
      case 0x003:
        return line("frcsr", x(d.rd));
      case 0xc00:
        return line("rdcycle", x(d.rd));
      case 0xc01:
        return line("rdtime", x(d.rd));
      case 0xc02:
        return line("rdinstret", x(d.rd));
      default:
        return line("csrr", fmt::format("{},{}", x(d.rd), csr_text(d.csr)));
    }
  }
  if (d.id == InsnId::CSRRW && d.csr >= 1 && d.csr <= 3) {
    constexpr std::array<std::string_view, 4> kNames = {"", "fsflags", "fsrm", "fscsr"};
    if (d.rd == 0) return line(kNames[d.csr], x(d.rs1));
    return line(kNames[d.csr], fmt::format("{},{}", x(d.rd), x(d.rs1)));
  }
  if (d.id == InsnId::CSRRWI && (d.csr == 1 || d.csr == 2)) {
    return line(d.csr == 1 ? "fsflagsi" : "fsrmi", fmt::format("{},{}", x(d.rd), d.imm));
  }
  if (d.id == InsnId::CSRRW && d.rd == 0 && d.rs1 == 0 && d.csr == 0xc00) return "unimp";
  if (d.rd != 0) return {};
  std::string_view op;
  switch (d.id) {
    case InsnId::CSRRW:
    case InsnId::CSRRWI:
      op = "csrw";
      break;
    case InsnId::CSRRS:
    case InsnId::CSRRSI:
      op = "csrs";
      break;
    default:
      op = "csrc";
      break;
  }
  return line(op, fmt::format("{},{}", csr_text(d.csr), src));
}

// objdump's aliases of integer and FP instructions; empty when none applies.
std::string alias(const DecodedInsn& d, std::uint64_t pc) {
  switch (d.id) {
    case InsnId::ADDI:
      if (d.rd == 0 && d.rs1 == 0 && d.imm == 0) return "nop";
      if (d.rs1 == 0) return line("li", fmt::format("{},{}", x(d.rd), d.imm));
      if (d.imm == 0) return line("mv", fmt::format("{},{}", x(d.rd), x(d.rs1)));
      return line("add", fmt::format("{},{},{}", x(d.rd), x(d.rs1), d.imm));
    case InsnId::ADDIW:
      if (d.imm == 0) return line("sext.w", fmt::format("{},{}", x(d.rd), x(d.rs1)));
      return line("addw", fmt::format("{},{},{}", x(d.rd), x(d.rs1), d.imm));
    case InsnId::XORI:
      if (d.imm == -1) return line("not", fmt::format("{},{}", x(d.rd), x(d.rs1)));
      return line("xor", fmt::format("{},{},{}", x(d.rd), x(d.rs1), d.imm));
    case InsnId::ORI:
      return line("or", fmt::format("{},{},{}", x(d.rd), x(d.rs1), d.imm));
    case InsnId::ANDI:
      if (d.imm == 255) return line("zext.b", fmt::format("{},{}", x(d.rd), x(d.rs1)));
      return line("and", fmt::format("{},{},{}", x(d.rd), x(d.rs1), d.imm));
    case InsnId::SLTIU:
      if (d.imm == 1) return line("seqz", fmt::format("{},{}", x(d.rd), x(d.rs1)));
      return {};
    case InsnId::SLLI:
    case InsnId::SRLI:
    case InsnId::SRAI:
    case InsnId::SLLIW:
    case InsnId::SRLIW:
    case InsnId::SRAIW: {
      std::string_view mn = insn_info(d.id).mnemonic;  // "slli" -> "sll", "slliw" -> "sllw"
      std::string name(mn.substr(0, 3));
      if (mn.back() == 'w') name += 'w';
      return line(name, fmt::format("{},{},0x{:x}", x(d.rd), x(d.rs1), d.imm));
    }
    case InsnId::SUB:
      if (d.rs1 == 0) return line("neg", fmt::format("{},{}", x(d.rd), x(d.rs2)));
      return {};
    case InsnId::SUBW:
      if (d.rs1 == 0) return line("negw", fmt::format("{},{}", x(d.rd), x(d.rs2)));
      return {};
    case InsnId::SLTU:
      if (d.rs1 == 0) return line("snez", fmt::format("{},{}", x(d.rd), x(d.rs2)));
      return {};
    case InsnId::SLT:
      if (d.rs2 == 0) return line("sltz", fmt::format("{},{}", x(d.rd), x(d.rs1)));
      if (d.rs1 == 0) return line("sgtz", fmt::format("{},{}", x(d.rd), x(d.rs2)));
      return {};
    case InsnId::BEQ:
    case InsnId::BNE:
    case InsnId::BLT:
    case InsnId::BGE: {
      const bool eq_ne = d.id == InsnId::BEQ || d.id == InsnId::BNE;
      std::string_view base = insn_info(d.id).mnemonic;
      if (d.rs1 == 0 && d.id == InsnId::BGE) return line("blez", fmt::format("{},{}", x(d.rs2), target(d, pc)));
      if (d.rs2 == 0) {
        std::string_view mn = d.id == InsnId::BEQ   ? "beqz"
                              : d.id == InsnId::BNE ? "bnez"
                              : d.id == InsnId::BLT ? "bltz"
                                                    : "bgez";
        return line(mn, fmt::format("{},{}", x(d.rs1), target(d, pc)));
      }
      if (d.rs1 == 0 && !eq_ne) {
        return line(base == "blt" ? "bgtz" : "blez", fmt::format("{},{}", x(d.rs2), target(d, pc)));
      }
      return {};
    }
    case InsnId::JAL:
      if (d.rd == 0) return line("j", target(d, pc));
      if (d.rd == 1) return line("jal", target(d, pc));
      return line("jal", fmt::format("{},{}", x(d.rd), target(d, pc)));
    case InsnId::JALR: {
      const std::string mem = d.imm == 0 ? std::string(x(d.rs1)) : fmt::format("{}({})", d.imm, x(d.rs1));
      if (d.rd == 0 && d.rs1 == 1 && d.imm == 0) return "ret";
      if (d.rd == 0) return line("jr", mem);
      if (d.rd == 1) return line("jalr", mem);
      return line("jalr", fmt::format("{},{}", x(d.rd), mem));
    }
    case InsnId::LUI:
    case InsnId::AUIPC:
      return line(insn_info(d.id).mnemonic, fmt::format("{},0x{:x}", x(d.rd), (d.imm >> 12) & 0xfffff));
    case InsnId::FSGNJ_S:
    case InsnId::FSGNJN_S:
    case InsnId::FSGNJX_S:
    case InsnId::FSGNJ_D:
    case InsnId::FSGNJN_D:
    case InsnId::FSGNJX_D: {
      if (d.rs1 != d.rs2) return {};
      const std::string_view mn = insn_info(d.id).mnemonic;
      const std::string_view op = mn.substr(5, mn.size() - 7);  // "", "n", "x"
      const std::string_view name = op.empty() ? "fmv" : op == "n" ? "fneg" : "fabs";
      return line(fmt::format("{}{}", name, mn.substr(mn.size() - 2)), fmt::format("{},{}", f(d.rd), f(d.rs1)));
    }
    case InsnId::FENCE:
      return fence_text(d);
    case InsnId::CSRRW:
    case InsnId::CSRRS:
    case InsnId::CSRRC:
    case InsnId::CSRRWI:
    case InsnId::CSRRSI:
    case InsnId::CSRRCI:
      return csr_alias(d);
    default:
      return {};
  }
}

// objdump prints the HINT encodings of RVC (and c.mv) in their own way.
std::string compressed_alias(const DecodedInsn& d) {
  const CompressedInfo* row = compressed_row(static_cast<std::uint16_t>(d.raw));
  if (row == nullptr) return {};
  switch (row->format) {
    case CompressedFormat::CAddi:
      if (d.rd == 0 && d.imm != 0) return line("c.nop", fmt::format("{}", d.imm));
      if (d.rd != 0 && d.imm == 0) return line("add", fmt::format("{},{},0", x(d.rd), x(d.rd)));
      return {};
    case CompressedFormat::CLi:
      if (d.rd == 0) return line("c.li", fmt::format("zero,{}", d.imm));
      return {};
    case CompressedFormat::CLui:
      if (d.rd == 0) return line("c.lui", fmt::format("zero,0x{:x}", (d.imm >> 12) & 0xfffff));
      return {};
    case CompressedFormat::CShiftL:
      if (d.imm == 0) return line("c.slli64", x(d.rd));
      if (d.rd == 0) return line("c.slli", fmt::format("zero,0x{:x}", d.imm));
      return {};
    case CompressedFormat::CShiftR:
      if (d.imm == 0) return line(d.id == InsnId::SRLI ? "c.srli64" : "c.srai64", x(d.rd));
      return {};
    case CompressedFormat::CMv:
      return line(d.rd == 0 ? "c.mv" : "mv", fmt::format("{},{}", x(d.rd), x(d.rs2)));
    case CompressedFormat::CAdd:
      if (d.rd == 0) return line("c.add", fmt::format("zero,{}", x(d.rs2)));
      return {};
    default:
      return {};
  }
}

std::string amo_suffix(const DecodedInsn& d) {
  if (d.aq && d.rl) return ".aqrl";
  if (d.aq) return ".aq";
  if (d.rl) return ".rl";
  return {};
}

// The plain form: operands in the order objdump prints them for the format.
std::string plain(const DecodedInsn& d, std::uint64_t pc) {
  const InsnInfo& info = insn_info(d.id);
  const FormatInfo& fi = format_info(info.format);
  const std::string_view mn = info.mnemonic;
  switch (info.format) {
    case OperandFormat::Load:
    case OperandFormat::FpLoad:
      return line(mn, fmt::format("{},{}({})", reg(fi.rd, d.rd), d.imm, x(d.rs1)));
    case OperandFormat::Store:
    case OperandFormat::FpStore:
      return line(mn, fmt::format("{},{}({})", reg(fi.rs2, d.rs2), d.imm, x(d.rs1)));
    case OperandFormat::Branch:
      return line(mn, fmt::format("{},{},{}", x(d.rs1), x(d.rs2), target(d, pc)));
    case OperandFormat::Amo:
      return line(fmt::format("{}{}", mn, amo_suffix(d)), fmt::format("{},{},({})", x(d.rd), x(d.rs2), x(d.rs1)));
    case OperandFormat::Lr:
      return line(fmt::format("{}{}", mn, amo_suffix(d)), fmt::format("{},({})", x(d.rd), x(d.rs1)));
    case OperandFormat::Csr:
      return line(mn, fmt::format("{},{},{}", x(d.rd), csr_text(d.csr), x(d.rs1)));
    case OperandFormat::CsrImm:  // objdump names csrrwi "csrrw" etc.
      return line(mn.substr(0, 5), fmt::format("{},{},{}", x(d.rd), csr_text(d.csr), d.imm));
    case OperandFormat::System:
      return std::string(mn);
    default:
      break;
  }
  // Register operands in rd, rs1, rs2, rs3 order, then the immediate or rm.
  std::string ops;
  auto add = [&ops](std::string_view s) {
    if (!ops.empty()) ops += ',';
    ops += s;
  };
  if (fi.rd != RegClass::kNone) add(reg(fi.rd, d.rd));
  if (fi.rs1 != RegClass::kNone) add(reg(fi.rs1, d.rs1));
  if (fi.rs2 != RegClass::kNone) add(reg(fi.rs2, d.rs2));
  if (fi.rs3 != RegClass::kNone) add(reg(fi.rs3, d.rs3));
  if (fi.imm == ImmKind::I12) add(fmt::format("{}", d.imm));
  if (fi.has_rm) ops += rm_suffix(d);
  return line(mn, ops);
}

}  // namespace

std::string disassemble(const DecodedInsn& insn, std::uint64_t pc) {
  if (insn.id == InsnId::kIllegal) {
    if (insn.raw == 0) return "unimp";
    return fmt::format("{}\t0x{:x}", insn.length == 2 ? ".2byte" : ".4byte", insn.raw);
  }
  if (insn.length == 2) {
    if (std::string text = compressed_alias(insn); !text.empty()) return text;
  }
  if (std::string text = alias(insn, pc); !text.empty()) return text;
  return plain(insn, pc);
}

}  // namespace vm::cross_arch::riscv
