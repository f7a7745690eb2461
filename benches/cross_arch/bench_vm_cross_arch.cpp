// bench_vm_cross_arch: throughput of the RISC-V frontend — decode,
// disassemble and lift to IR (cross_arch/<group>/<case>).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "vm/cross_arch/riscv/decoder.hpp"
#include "vm/cross_arch/riscv/lifter.hpp"
#include "vm/cross_arch/testing/vector_fetcher.hpp"

namespace {

namespace rv = vm::cross_arch::riscv;
using rv::InsnId;

std::uint32_t next_random(std::uint64_t& s) {
  s = s * 6364136223846793005ull + 1442695040888963407ull;
  return static_cast<std::uint32_t>(s >> 32);
}

// Every 32-bit instruction of the table, each with several random operand
// fields (bits outside its mask), kept when it still decodes as itself.
std::vector<std::uint32_t> corpus32() {
  std::vector<std::uint32_t> words;
  std::uint64_t seed = 1;
  for (std::size_t i = 1; i < rv::kInsnCount; ++i) {
    const auto id = static_cast<InsnId>(i);
    const rv::InsnInfo& info = rv::insn_info(id);
    if ((info.match & 3) != 3) continue;  // compressed rows
    for (int variant = 0; variant < 8; ++variant) {
      const std::uint32_t w = info.match | (next_random(seed) & ~info.mask);
      if (rv::decode(w).id == id) words.push_back(w);
    }
  }
  return words;
}

// Every legal 16-bit parcel, thinned to a fixed-size deterministic sample.
std::vector<std::uint32_t> corpus16() {
  std::vector<std::uint32_t> parcels;
  for (std::uint32_t p = 0; p < 0x10000; p += 7) {
    if ((p & 3) != 3 && rv::decode(p).id != InsnId::kIllegal) parcels.push_back(p);
  }
  return parcels;
}

void decode_corpus(benchmark::State& state, const std::vector<std::uint32_t>* corpus) {
  if (corpus->empty()) return state.SkipWithError("empty corpus");
  for (auto _ : state) {
    for (std::uint32_t w : *corpus) benchmark::DoNotOptimize(rv::decode(w));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(corpus->size()));
}

void disassemble_corpus(benchmark::State& state, const std::vector<std::uint32_t>* corpus) {
  std::vector<rv::DecodedInsn> decoded;
  for (std::uint32_t w : *corpus) decoded.push_back(rv::decode(w));
  if (decoded.empty()) return state.SkipWithError("empty corpus");
  std::int64_t bytes = 0;
  for (auto _ : state) {
    std::uint64_t pc = 0x10000;
    for (const auto& d : decoded) {
      std::string text = rv::disassemble(d, pc);
      bytes += static_cast<std::int64_t>(text.size());
      benchmark::DoNotOptimize(text);
      pc += d.length;
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(decoded.size()));
  state.SetBytesProcessed(bytes);  // text produced
}

// Lifts every block of a code image (each block starts where the previous
// one ended) with the given block-length cap.
void lift_image(benchmark::State& state, const std::vector<std::uint32_t>* code, unsigned max_insns) {
  auto fetcher = vm::cross_arch::testing::VectorFetcher::from_words(0x10000, *code);
  std::int64_t blocks = 0, insns = 0;
  for (auto _ : state) {
    for (std::uint64_t pc = fetcher.base(); pc < fetcher.end();) {
      vm::cross_arch::ir::Block b = rv::lift_block(pc, fetcher, {.max_insns = max_insns});
      if (b.end_pc <= pc) break;  // a fetch fault at the end of the image
      insns += static_cast<std::int64_t>(b.guest_insn_count());
      ++blocks;
      pc = b.end_pc;
      benchmark::DoNotOptimize(b);
    }
  }
  state.SetItemsProcessed(insns);
  state.counters["blocks/s"] = benchmark::Counter(static_cast<double>(blocks), benchmark::Counter::kIsRate);
}

// Straight-line ALU code: long blocks, the lifter's common case.
std::vector<std::uint32_t> alu_image() {
  std::vector<std::uint32_t> code;
  std::uint64_t seed = 7;
  constexpr InsnId kAlu[] = {InsnId::ADD,  InsnId::SUB, InsnId::XOR, InsnId::ADDI,
                             InsnId::SLLI, InsnId::MUL, InsnId::LD,  InsnId::SD};
  for (int i = 0; i < 1024; ++i) {
    rv::DecodedInsn d;
    d.id = kAlu[next_random(seed) % std::size(kAlu)];
    d.rd = static_cast<std::uint8_t>(1 + next_random(seed) % 31);
    d.rs1 = static_cast<std::uint8_t>(next_random(seed) % 32);
    d.rs2 = static_cast<std::uint8_t>(next_random(seed) % 32);
    d.imm = d.id == InsnId::SLLI ? next_random(seed) % 64 : static_cast<std::int64_t>(next_random(seed) % 2048) - 1024;
    code.push_back(rv::encode(d));
  }
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  static const std::vector<std::uint32_t> c32 = corpus32();
  static const std::vector<std::uint32_t> c16 = corpus16();
  static const std::vector<std::uint32_t> alu = alu_image();
  // Every table instruction in sequence: blocks end at each branch/system op.
  static const std::vector<std::uint32_t> mixed = c32;
  benchmark::RegisterBenchmark("cross_arch/decode/rv64_all", decode_corpus, &c32);
  benchmark::RegisterBenchmark("cross_arch/decode/compressed", decode_corpus, &c16);
  benchmark::RegisterBenchmark("cross_arch/disasm/rv64_all", disassemble_corpus, &c32);
  benchmark::RegisterBenchmark("cross_arch/disasm/compressed", disassemble_corpus, &c16);
  benchmark::RegisterBenchmark("cross_arch/lift/alu_64", lift_image, &alu, 64u);
  benchmark::RegisterBenchmark("cross_arch/lift/alu_16", lift_image, &alu, 16u);
  benchmark::RegisterBenchmark("cross_arch/lift/mixed", lift_image, &mixed, 64u);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
