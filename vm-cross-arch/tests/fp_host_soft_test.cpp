// Differential test: the host-FPU path of fp::execute against the software
// path on biased random operands, for every FP op and each rounding mode the
// host implements.
#include <catch2/catch.hpp>

#include "fp_value_source.hpp"

namespace fp = vm::cross_arch::riscv::fp;
using vm::cross_arch::ir::Opcode;
using vm::cross_arch::riscv::fp_testing::make_operands;
using vm::cross_arch::riscv::fp_testing::ValueSource;

TEST_CASE("host FPU path matches the software path bit for bit", "[fp][host]") {
  ValueSource source(0x5eed'f00d);
  std::uint64_t checked = 0;
  for (std::size_t i = 0; i < vm::cross_arch::ir::kOpcodeCount; ++i) {
    const auto op = static_cast<Opcode>(i);
    if (!fp::handles(op)) continue;
    for (int n = 0; n < 6000; ++n) {
      std::uint64_t v[3];
      make_operands(op, source, n, v);
      for (unsigned rm = 0; rm < 4; ++rm) {
        std::uint32_t host_flags = 0;
        std::uint32_t soft_flags = 0;
        const std::uint64_t host = fp::execute(op, v[0], v[1], v[2], rm, host_flags);
        const std::uint64_t soft = fp::execute_soft(op, v[0], v[1], v[2], rm, soft_flags);
        if (host != soft || host_flags != soft_flags) {
          INFO(vm::cross_arch::ir::name_of(op) << " rm=" << rm << std::hex << " a=0x" << v[0]
                                               << " b=0x" << v[1] << " c=0x" << v[2] << " host=0x"
                                               << host << "/" << host_flags << " soft=0x" << soft
                                               << "/" << soft_flags);
          REQUIRE(host == soft);
          REQUIRE(host_flags == soft_flags);
        }
        ++checked;
      }
    }
  }
  CHECK(checked > 1'000'000);
}
