#include "vm_machine.hpp"

#include <fmt/format.h>

namespace vm::lockstep {

vm::Result<std::unique_ptr<VmMachine>> VmMachine::create(const MemoryLayout& layout) {
  auto memory = mem::UserAddressSpace::create();
  if (!memory) return vm::make_error(memory.error().code(), "lockstep: " + memory.error().message());
  std::unique_ptr<VmMachine> m(new VmMachine());
  m->layout_ = layout;
  m->memory_ = std::move(*memory);
  if (auto r = m->memory_->map_fixed(layout.code_base, layout.code_size, mem::kPermRead | mem::kPermExec); !r)
    return vm::make_error(r.error().code(), "lockstep: mapping the code region: " + r.error().message());
  if (auto r = m->memory_->map_fixed(layout.data_base, layout.data_size, mem::kPermRead | mem::kPermWrite); !r)
    return vm::make_error(r.error().code(), "lockstep: mapping the data region: " + r.error().message());
  // One instruction per block, so run(cpu, 1) retires exactly one.
  m->interpreter_ = std::make_unique<engine::Interpreter>(
      *m->memory_, engine::InterpreterOptions{.max_block_insns = 1, .on_translate = {}});
  return m;
}

ArchState VmMachine::state() const {
  ArchState s;
  for (unsigned r = 0; r < 32; ++r) {
    s.x[r] = cpu_.x(r);
    s.f[r] = cpu_.f(r);
  }
  s.pc = cpu_.pc;
  s.fcsr = cpu_.fcsr;
  return s;
}

void VmMachine::write(std::uint64_t addr, std::span<const std::uint8_t> bytes) {
  memory_->write(addr, bytes, /*force=*/true);
}

std::span<const std::uint8_t> VmMachine::data() const {
  const std::uint8_t* p = memory_->host_ptr(layout_.data_base, layout_.data_size, mem::kPermRead);
  return {p, p ? layout_.data_size : 0};
}

StepOutcome VmMachine::step(std::uint64_t pc) {
  cpu_.pc = pc;
  const engine::HaltReason reason = interpreter_->run(cpu_, 1);
  StepOutcome out;
  if (engine::any(reason, engine::HaltReason::kFault | engine::HaltReason::kBreakpoint)) {
    out.trapped = true;
    out.cause = interpreter_->last_trap().cause;
    out.detail = fmt::format("vm trap cause {} tval {:#x}", out.cause, interpreter_->last_trap().tval);
  } else if (engine::any(reason, engine::HaltReason::kEcall)) {
    out.trapped = true;
    out.cause = 8;  // environment call from U-mode
    out.detail = "vm ecall";
  }
  return out;
}

}  // namespace vm::lockstep
