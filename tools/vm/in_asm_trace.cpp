#include "in_asm_trace.hpp"

#include <fmt/core.h>
#include <array>

#include "vm/cross_arch/riscv/decoder.hpp"

namespace vm::tools {

void print_block_disassembly(std::FILE* out, const mem::UserAddressSpace& memory, const cross_arch::ir::Block& block) {
  fmt::print(out, "----------------\nIN:\n");
  for (std::size_t i = 0; i < block.guest_insn_count(); ++i) {
    const std::uint64_t pc = block.insn_pc(i);
    std::array<std::uint8_t, 4> bytes{};
    // Read what is there; a short read at a page end leaves zeros, and the
    // decoder then reports the instruction as illegal, as it was lifted.
    for (std::size_t b = 0; b < bytes.size(); ++b) {
      const std::uint8_t* p = memory.host_ptr(pc + b, 1, mem::kPermExec);
      if (!p) break;
      bytes[b] = *p;
    }
    const std::uint32_t raw =
        bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (static_cast<std::uint32_t>(bytes[3]) << 24);
    const auto insn = cross_arch::riscv::decode(raw);
    const std::uint32_t shown = insn.length == 2 ? (raw & 0xffff) : raw;
    fmt::print(out, "0x{:016x}:  {:0{}x}  {}\n", pc, shown, insn.length == 2 ? 4 : 8,
               cross_arch::riscv::disassemble(insn, pc));
  }
  fmt::print(out, "\n");
}

}  // namespace vm::tools
