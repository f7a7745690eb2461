// Guest code -> ExecBlock: fetches instruction parcels from the user address
// space (exec permission required), lifts them with the RISC-V frontend and
// pre-decodes the IR into handler-threaded ExecOps.
#pragma once

#include <cstdint>
#include <memory>

#include "interp/exec_block.hpp"
#include "vm/cross_arch/frontend.hpp"
#include "vm/cross_arch/ir/block.hpp"
#include "vm/mem/user_address_space.hpp"

namespace vm::engine::interp {

class Translator final : public cross_arch::InstructionFetcher {
 public:
  explicit Translator(mem::UserAddressSpace& memory) : memory_(memory) {}
  bool fetch16(std::uint64_t addr, std::uint16_t& out) noexcept override;
  cross_arch::ir::Block lift(std::uint64_t pc, unsigned max_insns);
  // True if the block is just a fetch fault at its first instruction.
  static bool is_fetch_fault(const cross_arch::ir::Block& block) noexcept;

 private:
  mem::UserAddressSpace& memory_;
};

std::unique_ptr<ExecBlock> to_exec_block(const cross_arch::ir::Block& block, const void* const* labels);

bool amo_is_64bit(ir::Opcode op) noexcept;
// Executes an LR/SC/AMO on checked, aligned host memory; returns rd's value.
std::uint64_t execute_amo(ir::Opcode op, std::uint8_t* host, std::uint64_t src, std::uint64_t guest_addr,
                          std::uint64_t& reservation) noexcept;

}  // namespace vm::engine::interp
