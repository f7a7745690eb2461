// Small RISC-V loops for the interpreter benchmarks, each a different mix
// (ALU, memory, multiply/divide, branches, calls, FP). Built with
// vm-cross-arch's public encoder, so they always match what the decoder reads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vm/cross_arch/riscv/decoder.hpp"

namespace vm::bench_engine {

using cross_arch::riscv::InsnId;

// One instruction from its fields (unused fields stay zero).
inline std::uint32_t op(InsnId id, unsigned rd = 0, unsigned rs1 = 0, unsigned rs2 = 0, std::int64_t imm = 0,
                        unsigned rs3 = 0) {
  cross_arch::riscv::DecodedInsn d;
  d.id = id;
  d.rd = static_cast<std::uint8_t>(rd);
  d.rs1 = static_cast<std::uint8_t>(rs1);
  d.rs2 = static_cast<std::uint8_t>(rs2);
  d.rs3 = static_cast<std::uint8_t>(rs3);
  d.imm = imm;
  return cross_arch::riscv::encode(d);
}

// Register conventions of every program: x5 counts loop iterations down to
// zero (set by the benchmark), x10 points at a writable data page, x11 = 7.
struct Program {
  std::string name;
  std::vector<std::uint32_t> code;
};

inline std::vector<Program> interpreter_programs() {
  using I = InsnId;
  std::vector<Program> p;
  p.push_back({"alu_loop",
               {op(I::ADD, 6, 6, 5), op(I::XOR, 7, 7, 6), op(I::SLLI, 8, 6, 0, 3), op(I::SUB, 9, 8, 7),
                op(I::ADDI, 5, 5, 0, -1), op(I::BNE, 0, 5, 0, -20), op(I::ECALL)}});
  p.push_back({"load_store",
               {op(I::LD, 6, 10, 0, 0), op(I::ADDI, 6, 6, 0, 1), op(I::SD, 0, 10, 6, 0), op(I::LD, 7, 10, 0, 8),
                op(I::ADD, 7, 7, 6), op(I::SD, 0, 10, 7, 8), op(I::ADDI, 5, 5, 0, -1), op(I::BNE, 0, 5, 0, -28),
                op(I::ECALL)}});
  p.push_back({"mul_div",
               {op(I::MUL, 6, 5, 5), op(I::DIV, 7, 6, 11), op(I::REM, 8, 6, 11), op(I::ADD, 9, 9, 8),
                op(I::ADDI, 5, 5, 0, -1), op(I::BNE, 0, 5, 0, -20), op(I::ECALL)}});
  // Taken and not-taken branches alternate with the low bits of x5: many
  // short blocks, exercising block chaining.
  p.push_back({"branchy",
               {op(I::ANDI, 6, 5, 0, 3), op(I::BNE, 0, 6, 0, 8), op(I::ADDI, 7, 7, 0, 3), op(I::ADDI, 8, 8, 0, 1),
                op(I::ADDI, 5, 5, 0, -1), op(I::BNE, 0, 5, 0, -20), op(I::ECALL)}});
  // A call and return per iteration: indirect jumps through the jump cache.
  p.push_back({"call_ret",
               {op(I::JAL, 1, 0, 0, 16), op(I::ADDI, 5, 5, 0, -1), op(I::BNE, 0, 5, 0, -8), op(I::ECALL),
                op(I::ADDI, 6, 6, 0, 1), op(I::JALR, 0, 1, 0, 0)}});
  // f1 = f1 * f2 + f3 and a load/store of a double.
  p.push_back({"fp_madd",
               {op(I::FMADD_D, 1, 1, 2, 0, 3), op(I::FADD_D, 4, 4, 1), op(I::FSD, 0, 10, 4, 16),
                op(I::FLD, 5, 10, 0, 16), op(I::ADDI, 5, 5, 0, -1), op(I::BNE, 0, 5, 0, -20), op(I::ECALL)}});
  return p;
}

}  // namespace vm::bench_engine
