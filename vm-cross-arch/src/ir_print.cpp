#include <fmt/format.h>

#include "vm/cross_arch/ir/block.hpp"

namespace vm::cross_arch::ir {
namespace {

std::string slot_name(Slot s) {
  if (s == kDiscardSlot) return "_";
  if (s < kFirstF) return fmt::format("x{}", s - kFirstX);
  if (s < kFirstTemp) return fmt::format("f{}", s - kFirstF);
  return fmt::format("t{}", s - kFirstTemp);
}

constexpr const char* kCsrOps[] = {"rw", "rs", "rc", "rwi", "rsi", "rci"};

std::string body(const Op& op) {
  const std::string_view name = name_of(op.opcode);
  const std::string d = slot_name(op.dst), a = slot_name(op.src1), b = slot_name(op.src2), c = slot_name(op.src3);
  switch (format_of(op.opcode)) {
    case Format::RRR:
      return fmt::format("{} = {} {}, {}", d, name, a, b);
    case Format::RRI:
      return fmt::format("{} = {} {}, {}", d, name, a, op.imm);
    case Format::RI:
      return fmt::format("{} = {} {:#x}", d, name, op.imm);
    case Format::LOAD:
      return fmt::format("{} = {} [{} + {}]", d, name, a, op.imm);
    case Format::STORE:
      return fmt::format("{} [{} + {}], {}", name, a, op.imm, b);
    case Format::AMO:
      return fmt::format("{} = {} [{}], {}", d, name, a, b);
    case Format::FP1:
      return fmt::format("{} = {} {}, rm={}", d, name, a, op.aux);
    case Format::FP2:
      return fmt::format("{} = {} {}, {}, rm={}", d, name, a, b, op.aux);
    case Format::FP3:
      return fmt::format("{} = {} {}, {}, {}, rm={}", d, name, a, b, c, op.aux);
    case Format::CSR: {
      const auto kind = op.aux < 6 ? kCsrOps[op.aux] : "?";
      const bool imm_form = op.aux >= 3;
      return fmt::format("{} = csr {:#x}, {} {}", d, op.imm, kind, imm_form ? std::to_string(op.src2) : a);
    }
    case Format::BRANCH:
      return fmt::format("{} {}, {} -> {:#x}", name, a, b, op.imm);
    case Format::JUMP:
      return fmt::format("{} {:#x}", name, op.imm);
    case Format::JUMPR:
      return fmt::format("{} {} + {}", name, a, op.imm);
    case Format::TRAP:
      return fmt::format("{} cause={} tval={:#x}", name, op.aux, op.imm);
    case Format::SYS:
    case Format::NONE:
      return std::string(name);
  }
  return std::string(name);
}

}  // namespace

std::string print(const Op& op) { return body(op); }

std::string print(const Block& block) {
  std::string out =
      fmt::format("block {:#x}..{:#x} ({} insns)\n", block.start_pc, block.end_pc, block.guest_insn_count());
  for (const Op& op : block.ops) out += fmt::format("  [{}] {}\n", op.insn, body(op));
  return out;
}

}  // namespace vm::cross_arch::ir
