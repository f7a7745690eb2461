// The scalar SSE2 part of the baseline tier's encoder, byte for byte
// against GNU as (AT&T text shown; `as --64`, then `objdump -d`). The test
// never runs `as`. XMM registers are passed as Reg values 0..15.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "jit/x64/assembler.hpp"

namespace {

using namespace vm::engine::jit::x64;

struct Case {
  const char* text;
  void (*emit)(Assembler&);
  std::vector<std::uint8_t> bytes;
};

const Reg xmm0 = xmm(0);
const Reg xmm1 = xmm(1);
const Reg xmm2 = xmm(2);

}  // namespace

TEST_CASE("x64 assembler: scalar double SSE2", "[x64_assembler]") {
  const std::vector<Case> cases = {
      {"movsd 0x10(%rdi),%xmm0",
       [](Assembler& a) { a.movsd_load(xmm0, at(rdi, 0x10)); },
       {0xf2, 0x0f, 0x10, 0x47, 0x10}},
      {"movsd %xmm0,0x280(%rdi)",
       [](Assembler& a) { a.movsd_store(at(rdi, 0x280), xmm0); },
       {0xf2, 0x0f, 0x11, 0x87, 0x80, 0x02, 0x00, 0x00}},
      {"addsd 0x10(%rdi),%xmm0",
       [](Assembler& a) { a.sd(Sd::kAdd, xmm0, at(rdi, 0x10)); },
       {0xf2, 0x0f, 0x58, 0x47, 0x10}},
      {"mulsd 0x18(%rdi),%xmm1",
       [](Assembler& a) { a.sd(Sd::kMul, xmm1, at(rdi, 0x18)); },
       {0xf2, 0x0f, 0x59, 0x4f, 0x18}},
      {"subsd 0x0(%r13),%xmm0",
       [](Assembler& a) { a.sd(Sd::kSub, xmm0, at(r13)); },
       {0xf2, 0x41, 0x0f, 0x5c, 0x45, 0x00}},
      {"divsd 0x8(%r12),%xmm2",
       [](Assembler& a) { a.sd(Sd::kDiv, xmm2, at(r12, 8)); },
       {0xf2, 0x41, 0x0f, 0x5e, 0x54, 0x24, 0x08}},
      {"sqrtsd 0x100(%rdi),%xmm0",
       [](Assembler& a) { a.sd(Sd::kSqrt, xmm0, at(rdi, 0x100)); },
       {0xf2, 0x0f, 0x51, 0x87, 0x00, 0x01, 0x00, 0x00}},
      {"ucomisd 0x10(%rdi),%xmm0",
       [](Assembler& a) { a.ucomisd(xmm0, at(rdi, 0x10)); },
       {0x66, 0x0f, 0x2e, 0x47, 0x10}},
      {"comisd 0x10(%rsi),%xmm0", [](Assembler& a) { a.comisd(xmm0, at(rsi, 0x10)); }, {0x66, 0x0f, 0x2f, 0x46, 0x10}},
      {"ucomisd %xmm0,%xmm0", [](Assembler& a) { a.ucomisd(xmm0, xmm0); }, {0x66, 0x0f, 0x2e, 0xc0}},
      {"stmxcsr -0x8(%rsp)", [](Assembler& a) { a.stmxcsr(at(rsp, -8)); }, {0x0f, 0xae, 0x5c, 0x24, 0xf8}},
      {"ldmxcsr -0x8(%rsp)", [](Assembler& a) { a.ldmxcsr(at(rsp, -8)); }, {0x0f, 0xae, 0x54, 0x24, 0xf8}},
      {"movl $0x1f80,-0x8(%rsp)",
       [](Assembler& a) { a.store32_imm(at(rsp, -8), 0x1f80); },
       {0xc7, 0x44, 0x24, 0xf8, 0x80, 0x1f, 0x00, 0x00}},
      {"cvtsi2sd %eax,%xmm0", [](Assembler& a) { a.cvtsi2sd32(xmm0, rax); }, {0xf2, 0x0f, 0x2a, 0xc0}},
      {"cvtsi2sd %r9d,%xmm1", [](Assembler& a) { a.cvtsi2sd32(xmm1, r9); }, {0xf2, 0x41, 0x0f, 0x2a, 0xc9}},
      // Register forms (baseline regions keep FP registers in xmm(4)-15).
      {"movapd %xmm12,%xmm0", [](Assembler& a) { a.movapd(xmm0, xmm(12)); }, {0x66, 0x41, 0x0f, 0x28, 0xc4}},
      {"movapd %xmm0,%xmm9", [](Assembler& a) { a.movapd(xmm(9), xmm0); }, {0x66, 0x44, 0x0f, 0x28, 0xc8}},
      {"movapd %xmm4,%xmm15", [](Assembler& a) { a.movapd(xmm(15), xmm(4)); }, {0x66, 0x44, 0x0f, 0x28, 0xfc}},
      {"addsd %xmm11,%xmm0", [](Assembler& a) { a.sd(Sd::kAdd, xmm0, xmm(11)); }, {0xf2, 0x41, 0x0f, 0x58, 0xc3}},
      {"mulsd %xmm4,%xmm0", [](Assembler& a) { a.sd(Sd::kMul, xmm0, xmm(4)); }, {0xf2, 0x0f, 0x59, 0xc4}},
      {"subsd %xmm15,%xmm0", [](Assembler& a) { a.sd(Sd::kSub, xmm0, xmm(15)); }, {0xf2, 0x41, 0x0f, 0x5c, 0xc7}},
      {"divsd %xmm5,%xmm2", [](Assembler& a) { a.sd(Sd::kDiv, xmm2, xmm(5)); }, {0xf2, 0x0f, 0x5e, 0xd5}},
      {"sqrtsd %xmm13,%xmm0", [](Assembler& a) { a.sd(Sd::kSqrt, xmm0, xmm(13)); }, {0xf2, 0x41, 0x0f, 0x51, 0xc5}},
      {"comisd %xmm8,%xmm0", [](Assembler& a) { a.comisd(xmm0, xmm(8)); }, {0x66, 0x41, 0x0f, 0x2f, 0xc0}},
      {"ucomisd %xmm10,%xmm0", [](Assembler& a) { a.ucomisd(xmm0, xmm(10)); }, {0x66, 0x41, 0x0f, 0x2e, 0xc2}},
      {"movq %rax,%xmm12", [](Assembler& a) { a.movq_to_xmm(xmm(12), rax); }, {0x66, 0x4c, 0x0f, 0x6e, 0xe0}},
      {"movq %rcx,%xmm4", [](Assembler& a) { a.movq_to_xmm(xmm(4), rcx); }, {0x66, 0x48, 0x0f, 0x6e, 0xe1}},
      {"movq %xmm9,%rax", [](Assembler& a) { a.movq_from_xmm(rax, xmm(9)); }, {0x66, 0x4c, 0x0f, 0x7e, 0xc8}},
      {"movq %xmm4,%rdx", [](Assembler& a) { a.movq_from_xmm(rdx, xmm(4)); }, {0x66, 0x48, 0x0f, 0x7e, 0xe2}},
      {"movsd 0x120(%rdi),%xmm12",
       [](Assembler& a) { a.movsd_load(xmm(12), at(rdi, 0x120)); },
       {0xf2, 0x44, 0x0f, 0x10, 0xa7, 0x20, 0x01, 0x00, 0x00}},
      {"movsd %xmm15,0x178(%rdi)",
       [](Assembler& a) { a.movsd_store(at(rdi, 0x178), xmm(15)); },
       {0xf2, 0x44, 0x0f, 0x11, 0xbf, 0x78, 0x01, 0x00, 0x00}},
  };
  for (const Case& c : cases) {
    Assembler a;
    c.emit(a);
    INFO(c.text);
    CHECK(a.code() == c.bytes);
  }
}
