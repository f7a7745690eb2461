#include "unicorn_machine.hpp"

#include <unicorn/unicorn.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include <fmt/format.h>

namespace vm::lockstep {
namespace {

constexpr std::uint64_t kMstatusFsDirty = 0x6000;  // FP unit on (QEMU starts with FS = Off)

vm::Unexpected<vm::Error> uc_failure(const char* what, uc_err err) {
  return vm::make_error(ErrorCode::kInternal, fmt::format("lockstep: unicorn {}: {}", what, uc_strerror(err)));
}

// Unicorn reports memory errors as return codes rather than CPU exceptions;
// map them to the RISC-V causes vm raises for the same accesses.
std::uint64_t cause_of(uc_err err) {
  switch (err) {
    case UC_ERR_READ_UNMAPPED:
    case UC_ERR_READ_PROT:
      return 13;  // load page fault
    case UC_ERR_WRITE_UNMAPPED:
    case UC_ERR_WRITE_PROT:
      return 15;  // store page fault
    case UC_ERR_FETCH_UNMAPPED:
    case UC_ERR_FETCH_PROT:
      return 12;  // instruction page fault
    case UC_ERR_READ_UNALIGNED:
      return 4;
    case UC_ERR_WRITE_UNALIGNED:
      return 6;
    case UC_ERR_INSN_INVALID:
      return 2;
    default:
      return ~std::uint64_t{0};
  }
}

}  // namespace

vm::Result<std::unique_ptr<UnicornMachine>> UnicornMachine::create(const MemoryLayout& layout) {
  std::unique_ptr<UnicornMachine> m(new UnicornMachine());
  m->layout_ = layout;
  if (uc_err e = uc_open(UC_ARCH_RISCV, UC_MODE_RISCV64, &m->uc_); e != UC_ERR_OK) return uc_failure("open", e);
  if (uc_err e = uc_mem_map(m->uc_, layout.code_base, layout.code_size, UC_PROT_ALL); e != UC_ERR_OK)
    return uc_failure("mapping the code region", e);
  // The data region is backed by our own buffer, so comparing it costs a memcmp.
  m->data_ = static_cast<std::uint8_t*>(std::aligned_alloc(4096, layout.data_size));
  if (!m->data_) return vm::make_error(ErrorCode::kResourceExhausted, "lockstep: no memory for the data region");
  std::memset(m->data_, 0, layout.data_size);
  if (uc_err e = uc_mem_map_ptr(m->uc_, layout.data_base, layout.data_size, UC_PROT_READ | UC_PROT_WRITE, m->data_);
      e != UC_ERR_OK)
    return uc_failure("mapping the data region", e);
  if (uc_err e = uc_ctl_exits_enable(m->uc_); e != UC_ERR_OK) return uc_failure("enabling exits", e);
  uc_hook hook;
  if (uc_err e = uc_hook_add(m->uc_, &hook, UC_HOOK_INTR, reinterpret_cast<void*>(&UnicornMachine::on_interrupt),
                             m.get(), 1, 0);
      e != UC_ERR_OK)
    return uc_failure("adding the exception hook", e);
  std::uint64_t mstatus = 0;
  uc_reg_read(m->uc_, UC_RISCV_REG_MSTATUS, &mstatus);
  mstatus |= kMstatusFsDirty;
  if (uc_err e = uc_reg_write(m->uc_, UC_RISCV_REG_MSTATUS, &mstatus); e != UC_ERR_OK)
    return uc_failure("enabling the FPU", e);
  return m;
}

UnicornMachine::~UnicornMachine() {
  if (uc_) uc_close(uc_);
  std::free(data_);
}

// Called by Unicorn instead of taking the exception: remember the cause and
// stop, leaving the architectural state as it was before the instruction.
void UnicornMachine::on_interrupt(uc_struct* uc, std::uint32_t intno, void* self) {
  auto* m = static_cast<UnicornMachine*>(self);
  m->trapped_ = true;
  m->trap_cause_ = intno;
  uc_emu_stop(uc);
}

ArchState UnicornMachine::state() const {
  ArchState s;
  int ids[65];
  void* ptrs[65];
  for (int r = 1; r < 32; ++r) {
    ids[r - 1] = UC_RISCV_REG_X0 + r;
    ptrs[r - 1] = &s.x[r];
  }
  for (int r = 0; r < 32; ++r) {
    ids[31 + r] = UC_RISCV_REG_F0 + r;
    ptrs[31 + r] = &s.f[r];
  }
  std::uint64_t fcsr = 0;
  ids[63] = UC_RISCV_REG_PC;
  ptrs[63] = &s.pc;
  ids[64] = UC_RISCV_REG_FCSR;
  ptrs[64] = &fcsr;
  uc_reg_read_batch(uc_, ids, ptrs, 65);
  s.fcsr = static_cast<std::uint32_t>(fcsr);
  return s;
}

void UnicornMachine::set_x(unsigned reg, std::uint64_t value) {
  if (reg != 0) uc_reg_write(uc_, UC_RISCV_REG_X0 + static_cast<int>(reg), &value);
}

void UnicornMachine::set_f(unsigned reg, std::uint64_t value) {
  uc_reg_write(uc_, UC_RISCV_REG_F0 + static_cast<int>(reg), &value);
}

void UnicornMachine::set_fcsr(std::uint32_t value) {
  std::uint64_t v = value;
  uc_reg_write(uc_, UC_RISCV_REG_FCSR, &v);
}

void UnicornMachine::write(std::uint64_t addr, std::span<const std::uint8_t> bytes) {
  uc_mem_write(uc_, addr, bytes.data(), bytes.size());
}

StepOutcome UnicornMachine::step(std::uint64_t pc, unsigned length, std::uint64_t jump_target) {
  trapped_ = false;
  // Stop wherever the instruction can go (uc_emu_start's `until` is unused).
  std::uint64_t exits[2] = {pc + length, jump_target};
  uc_ctl_set_exits(uc_, exits, jump_target ? 2 : 1);
  const uc_err err = uc_emu_start(uc_, pc, 0, 0, 0);
  StepOutcome out;
  if (trapped_) {
    out.trapped = true;
    out.cause = trap_cause_;
    out.detail = fmt::format("unicorn exception {}", trap_cause_);
  } else if (err != UC_ERR_OK) {
    out.trapped = true;
    out.cause = cause_of(err);
    out.detail = fmt::format("unicorn error: {}", uc_strerror(err));
  }
  return out;
}

// Removes only the code region's blocks: a full tb_flush costs Unicorn a
// memset of its whole translation buffer.
void UnicornMachine::flush_code() {
  uc_ctl_remove_cache(uc_, layout_.code_base, layout_.code_base + layout_.code_size);
}

}  // namespace vm::lockstep
