#include "mismatch_report.hpp"

#include <cstring>

#include <fmt/format.h>

#include "vm/cross_arch/riscv/decoder.hpp"

namespace vm::lockstep {
namespace {

namespace rv = vm::cross_arch::riscv;

constexpr const char* kAbiNames[32] = {"zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
                                       "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
                                       "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};

std::string fcsr_text(std::uint32_t fcsr) {
  return fmt::format("{:#04x} (frm {} fflags {}{}{}{}{})", fcsr, (fcsr >> 5) & 7, fcsr & 16 ? "NV " : "",
                     fcsr & 8 ? "DZ " : "", fcsr & 4 ? "OF " : "", fcsr & 2 ? "UF " : "", fcsr & 1 ? "NX" : "");
}

void describe_inputs(const StepRecord& r, std::string& out) {
  const rv::DecodedInsn d = rv::decode(r.raw);
  const auto& format = rv::format_info(d.id);
  const std::pair<rv::RegClass, unsigned> sources[] = {{format.rs1, d.rs1}, {format.rs2, d.rs2}, {format.rs3, d.rs3}};
  out += "  inputs:";
  for (const auto& [cls, reg] : sources) {
    if (cls == rv::RegClass::kX) out += fmt::format(" x{}({})={:#018x}", reg, kAbiNames[reg], r.before.x[reg]);
    if (cls == rv::RegClass::kF) out += fmt::format(" f{}={:#018x}", reg, r.before.f[reg]);
  }
  out += fmt::format(" fcsr={}\n", fcsr_text(r.before.fcsr));
}

void compare_registers(const StepRecord& r, bool compare_pc, std::string& diffs) {
  for (unsigned i = 1; i < 32; ++i) {
    if (r.vm.x[i] != r.oracle.x[i])
      diffs += fmt::format("  x{} ({}): vm {:#018x}  unicorn {:#018x}\n", i, kAbiNames[i], r.vm.x[i], r.oracle.x[i]);
  }
  for (unsigned i = 0; i < 32; ++i) {
    if (r.vm.f[i] != r.oracle.f[i])
      diffs += fmt::format("  f{}: vm {:#018x}  unicorn {:#018x}\n", i, r.vm.f[i], r.oracle.f[i]);
  }
  if ((r.vm.fcsr & 0xff) != (r.oracle.fcsr & 0xff))
    diffs += fmt::format("  fcsr: vm {}  unicorn {}\n", fcsr_text(r.vm.fcsr), fcsr_text(r.oracle.fcsr));
  if (compare_pc && r.vm.pc != r.oracle.pc)
    diffs += fmt::format("  pc: vm {:#x}  unicorn {:#x}\n", r.vm.pc, r.oracle.pc);
}

void compare_memory(const StepRecord& r, std::string& diffs) {
  if (r.vm_data.size() != r.oracle_data.size()) {
    diffs += fmt::format("  data region size: vm {}  unicorn {}\n", r.vm_data.size(), r.oracle_data.size());
    return;
  }
  if (std::memcmp(r.vm_data.data(), r.oracle_data.data(), r.vm_data.size()) == 0) return;
  for (std::size_t i = 0; i < r.vm_data.size(); ++i) {
    if (r.vm_data[i] != r.oracle_data[i])
      diffs +=
          fmt::format("  mem[{:#x}]: vm {:#04x}  unicorn {:#04x}\n", r.data_base + i, r.vm_data[i], r.oracle_data[i]);
  }
}

}  // namespace

std::optional<std::string> compare_step(const StepRecord& r) {
  std::string diffs;
  if (r.vm_outcome.trapped != r.oracle_outcome.trapped ||
      (r.vm_outcome.trapped && r.vm_outcome.cause != r.oracle_outcome.cause)) {
    diffs += fmt::format("  outcome: vm {}  unicorn {}\n", r.vm_outcome.trapped ? r.vm_outcome.detail : "retired",
                         r.oracle_outcome.trapped ? r.oracle_outcome.detail : "retired");
  }
  // After a trap in both, pc is whatever each oracle leaves; registers must
  // still be untouched alike.
  compare_registers(r, !r.vm_outcome.trapped && !r.oracle_outcome.trapped, diffs);
  compare_memory(r, diffs);
  if (diffs.empty()) return std::nullopt;
  const rv::DecodedInsn d = rv::decode(r.raw);
  std::string out =
      fmt::format("lockstep mismatch at step {}, pc {:#x}\n  instruction: {:#0{}x}  {}{}\n", r.step, r.pc, r.raw,
                  r.length == 2 ? 6 : 10, rv::disassemble(d, r.pc), r.length == 2 ? "  (compressed)" : "");
  describe_inputs(r, out);
  return out + diffs;
}

}  // namespace vm::lockstep
