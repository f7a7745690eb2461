#include "vm/cross_arch/ir/op.hpp"

#include <array>

namespace vm::cross_arch::ir {
namespace {

struct OpInfo {
  Format format;
  std::string_view name;
};

constexpr std::array<OpInfo, kOpcodeCount> kOpInfo = {{
#define OP(name, format, text) {Format::format, text},
#include "vm/cross_arch/ir/opcodes.inc"
#undef OP
}};

}  // namespace

Format format_of(Opcode op) noexcept { return kOpInfo[static_cast<std::size_t>(op)].format; }

std::string_view name_of(Opcode op) noexcept { return kOpInfo[static_cast<std::size_t>(op)].name; }

bool is_terminator(Opcode op) noexcept {
  switch (format_of(op)) {
    case Format::BRANCH:
    case Format::JUMP:
    case Format::JUMPR:
    case Format::SYS:
    case Format::TRAP:
      return true;
    default:
      return false;
  }
}

}  // namespace vm::cross_arch::ir
