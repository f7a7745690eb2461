// Guest programs for the JIT benchmarks: straight-line code of a chosen
// length (compile latency), many small independent blocks (parallel and
// cold compilation), and four loops (JIT vs interpreter speed). Built with
// vm-cross-arch's encoder; each ends in an ecall.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "interp_programs.hpp"

namespace vm::bench_engine {

// Register conventions as in interp_programs.hpp: x5 = loop count (set by
// the benchmark), x10 = data area, x11 = 7.

// The i-th instruction of a straight-line integer mix (ALU, shifts,
// multiply, loads and stores into the first 256 bytes of the data area)
// over x6..x9 and x12..x17, so consecutive instructions depend on each
// other the way compiled C does.
inline std::uint32_t straight_line_insn(unsigned i) {
  using I = InsnId;
  static constexpr unsigned kRegs[] = {6, 7, 8, 9, 12, 13, 14, 15, 16, 17};
  const unsigned rd = kRegs[i % 10], a = kRegs[(i + 3) % 10], b = kRegs[(i + 7) % 10];
  const std::int64_t offset = static_cast<std::int64_t>((i * 8) % 256);
  switch (i % 12) {
    case 0:
      return op(I::ADD, rd, a, b);
    case 1:
      return op(I::XOR, rd, a, b);
    case 2:
      return op(I::SLLI, rd, a, 0, static_cast<std::int64_t>(i % 13 + 1));
    case 3:
      return op(I::LD, rd, 10, 0, offset);
    case 4:
      return op(I::ADDI, rd, a, 0, static_cast<std::int64_t>(i % 100) - 50);
    case 5:
      return op(I::SUB, rd, a, b);
    case 6:
      return op(I::SD, 0, 10, a, offset);
    case 7:
      return op(I::MUL, rd, a, b);
    case 8:
      return op(I::SRLI, rd, a, 0, static_cast<std::int64_t>(i % 11 + 1));
    case 9:
      return op(I::OR, rd, a, b);
    case 10:
      return op(I::SLTU, rd, a, b);
    default:
      return op(I::ADDW, rd, a, b);
  }
}

// `n` straight-line instructions, then ecall: one block when n fits in
// max_block_insns, otherwise consecutive blocks that fall through.
inline std::vector<std::uint32_t> straight_line(unsigned n) {
  std::vector<std::uint32_t> code;
  for (unsigned i = 0; i < n; ++i) code.push_back(straight_line_insn(i));
  code.push_back(op(InsnId::ECALL));
  return code;
}

// `blocks` blocks of `insns_per_block` instructions (the last two being the
// exit). With `indirect`, each block leaves through `auipc x20; jalr
// 8(x20)`, an indirect jump, so no two blocks join one JIT region and each
// is its own compilation; otherwise through `jal +4`, a direct jump regions
// can follow, as in ordinary start-up code.
inline std::vector<std::uint32_t> block_chain(unsigned blocks, unsigned insns_per_block, bool indirect) {
  using I = InsnId;
  std::vector<std::uint32_t> code;
  unsigned k = 0;
  for (unsigned b = 0; b < blocks; ++b) {
    for (unsigned i = 0; i + 2 < insns_per_block; ++i) code.push_back(straight_line_insn(k++));
    if (indirect) {
      code.push_back(op(I::AUIPC, 20, 0, 0, 0));
      code.push_back(op(I::JALR, 0, 20, 0, 8));  // auipc's pc + 8: the next block
    } else {
      code.push_back(op(I::ADDI, 20, 20, 0, 1));
      code.push_back(op(I::JAL, 0, 0, 0, 4));
    }
  }
  code.push_back(op(I::ECALL));
  return code;
}

// The loops of engine/jit_vs_interp; `cold` says the benchmark flushes the
// code cache before every run (start-up cost) instead of timing the steady
// state.
struct LoopProgram {
  std::string name;
  std::vector<std::uint32_t> code;
  std::uint64_t iterations = 0;  // x5 for one run
  bool cold = false;
};

inline std::vector<LoopProgram> jit_vs_interp_programs() {
  using I = InsnId;
  std::vector<LoopProgram> p;
  // 8 instructions per iteration: load, ALU chain, store.
  p.push_back(
      {"hot_loop",
       {op(I::LD, 6, 10, 0, 0), op(I::ADD, 6, 6, 5), op(I::XOR, 7, 7, 6), op(I::SLLI, 8, 6, 0, 3), op(I::SUB, 9, 8, 7),
        op(I::SD, 0, 10, 9, 0), op(I::ADDI, 5, 5, 0, -1), op(I::BNE, 0, 5, 0, -28), op(I::ECALL)},
       100000});
  // Code that runs once: 64 blocks of 24 instructions joined by direct
  // jumps, translated (or compiled) afresh on every run.
  p.push_back({"cold_start", block_chain(64, 24, /*indirect=*/false), 0, /*cold=*/true});
  // Branches taken one time in four, a multiply, a call to a function that
  // divides, and a load/store per iteration.
  p.push_back({"mixed",
               {op(I::ANDI, 6, 5, 0, 3), op(I::BNE, 0, 6, 0, 12), op(I::MUL, 7, 5, 11), op(I::ADD, 8, 8, 7),
                op(I::JAL, 1, 0, 0, 28), op(I::LD, 9, 10, 0, 0), op(I::ADD, 9, 9, 8), op(I::SD, 0, 10, 9, 0),
                op(I::ADDI, 5, 5, 0, -1), op(I::BNE, 0, 5, 0, -36), op(I::ECALL),
                // the function, at byte 44
                op(I::DIVU, 12, 8, 11), op(I::REMU, 13, 8, 11), op(I::ADD, 14, 14, 12), op(I::XOR, 14, 14, 13),
                op(I::JALR, 0, 1, 0, 0)},
               50000});
  // Double precision: convert, multiply, fused multiply-add, divide,
  // square root, add/subtract, and a store/load of the running sum.
  p.push_back({"fp",
               {op(I::FCVT_D_L, 4, 11), op(I::FCVT_D_L, 1, 5), op(I::FMUL_D, 2, 1, 1), op(I::FMADD_D, 3, 2, 4, 0, 3),
                op(I::FDIV_D, 5, 3, 1), op(I::FSQRT_D, 6, 2), op(I::FADD_D, 7, 7, 5), op(I::FSUB_D, 7, 7, 6),
                op(I::FSD, 0, 10, 7, 16), op(I::FLD, 8, 10, 0, 16), op(I::ADDI, 5, 5, 0, -1), op(I::BNE, 0, 5, 0, -40),
                op(I::ECALL)},
               50000});
  return p;
}

}  // namespace vm::bench_engine
