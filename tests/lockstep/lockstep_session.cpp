#include "lockstep_session.hpp"

#include <algorithm>
#include <cstring>

#include "insn_classes.hpp"
#include "mismatch_report.hpp"
#include "vm/cross_arch/riscv/decoder.hpp"
#include "vm/cross_arch/riscv/fp.hpp"

namespace vm::lockstep {
namespace {

namespace rv = vm::cross_arch::riscv;
namespace fp = vm::cross_arch::riscv::fp;

bool is_nan(std::uint64_t v, bool single) {
  if (single) return (v & 0x7f800000u) == 0x7f800000u && (v & 0x007fffffu) != 0;
  return (v & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (v & 0x000fffffffffffffull) != 0;
}

bool is_signalling_nan(std::uint64_t v, bool single) {
  return is_nan(v, single) && (single ? (v & 0x00400000u) == 0 : (v & 0x0008000000000000ull) == 0);
}

bool is_infinity(std::uint64_t v, bool single) {
  return single ? (v & 0x7fffffffu) == 0x7f800000u : (v & 0x7fffffffffffffffull) == 0x7ff0000000000000ull;
}

bool is_zero(std::uint64_t v, bool single) {
  return single ? (v & 0x7fffffffu) == 0 : (v & 0x7fffffffffffffffull) == 0;
}

}  // namespace

vm::Result<std::unique_ptr<LockstepSession>> LockstepSession::create(const MemoryLayout& layout) {
  std::unique_ptr<LockstepSession> s(new LockstepSession());
  s->layout_ = layout;
  auto vm = VmMachine::create(layout);
  if (!vm) return vm::make_error(vm.error().code(), vm.error().message());
  auto oracle = UnicornMachine::create(layout);
  if (!oracle) return vm::make_error(oracle.error().code(), oracle.error().message());
  s->vm_ = std::move(*vm);
  s->unicorn_ = std::move(*oracle);
  s->pc_ = layout.code_base;
  return s;
}

void LockstepSession::set_registers(const ArchState& state) {
  for (unsigned r = 1; r < 32; ++r) {
    vm_->set_x(r, state.x[r]);
    unicorn_->set_x(r, state.x[r]);
  }
  for (unsigned r = 0; r < 32; ++r) {
    vm_->set_f(r, state.f[r]);
    unicorn_->set_f(r, state.f[r]);
  }
  vm_->set_fcsr(state.fcsr);
  unicorn_->set_fcsr(state.fcsr);
}

void LockstepSession::set_data(std::span<const std::uint8_t> bytes) {
  vm_->write(layout_.data_base, bytes);
  unicorn_->write(layout_.data_base, bytes);
}

std::optional<std::string> LockstepSession::execute(const PlannedInsn& insn) {
  for (const RegPreset& p : insn.presets) {
    if (p.fp) {
      vm_->set_f(p.reg, p.value);
      unicorn_->set_f(p.reg, p.value);
    } else {
      vm_->set_x(p.reg, p.value);
      unicorn_->set_x(p.reg, p.value);
    }
  }
  const std::uint8_t bytes[4] = {static_cast<std::uint8_t>(insn.raw), static_cast<std::uint8_t>(insn.raw >> 8),
                                 static_cast<std::uint8_t>(insn.raw >> 16), static_cast<std::uint8_t>(insn.raw >> 24)};
  vm_->write(pc_, {bytes, insn.length});
  unicorn_->write(pc_, {bytes, insn.length});

  StepRecord record;
  record.step = steps_;
  record.pc = pc_;
  record.raw = insn.raw;
  record.length = insn.length;
  record.before = vm_->state();
  const std::optional<std::uint32_t> amo_old = amo_min_max_w_operand(insn.raw, record.before);
  record.vm_outcome = vm_->step(pc_);
  record.oracle_outcome = unicorn_->step(pc_, insn.length, insn.jump_target);
  record.vm = vm_->state();
  record.oracle = unicorn_->state();
  if (!record.vm_outcome.trapped && !record.oracle_outcome.trapped)
    correct_oracle(record.before, insn.raw, amo_old, record.oracle);
  record.vm_data = vm_->data();
  record.oracle_data = unicorn_->data();
  record.data_base = layout_.data_base;
  last_outcome_ = record.vm_outcome;
  // Go on where the instruction went; a disagreement is reported below.
  const bool retired = !record.vm_outcome.trapped && !record.oracle_outcome.trapped;
  const bool jumped = retired && insn.jump_target != 0 && record.vm.pc == insn.jump_target;
  pc_ = jumped ? insn.jump_target : pc_ + insn.length;
  last_jumped_ = jumped;
  ++steps_;
  // Keep room for a jump past the next slot, and keep the last slot unused:
  // Unicorn faults on an instruction that ends exactly at the end of the
  // mapping (it looks at the stop address).
  if (pc_ + kJumpDistance + 8 > layout_.code_base + layout_.code_size) {
    // Reusing code addresses: both machines must forget what they translated.
    pc_ = layout_.code_base;
    vm_->flush_code();
    unicorn_->flush_code();
  }
  return compare_step(record);
}

// The memory word an amo{min,max}[u].w is about to combine (see below).
std::optional<std::uint32_t> LockstepSession::amo_min_max_w_operand(std::uint32_t raw, const ArchState& before) const {
  const rv::DecodedInsn d = rv::decode(raw);
  if (d.id != rv::InsnId::AMOMIN_W && d.id != rv::InsnId::AMOMAX_W && d.id != rv::InsnId::AMOMINU_W &&
      d.id != rv::InsnId::AMOMAXU_W)
    return std::nullopt;
  const std::uint64_t offset = before.x[d.rs1] - layout_.data_base;
  const std::span<const std::uint8_t> data = vm_->data();
  if (offset > data.size() - 4) return std::nullopt;
  std::uint32_t word = 0;
  std::memcpy(&word, data.data() + offset, 4);
  return word;
}

// Unicorn 2.0.1 is QEMU 5.0, which differs from the current ISA manual in
// four known ways. Where Unicorn's result is exactly what the old behaviour
// gives, replace it by the manual's (and keep both machines in step):
//  - single-precision results are NaN-boxed (QEMU 5.0 leaves the upper half
//    zero, or for fmv.w.x copies all 64 bits of the source register);
//  - fmin/fmax with one signalling NaN and one number return the number
//    (QEMU 5.0 follows IEEE 754-2008 minNum and returns the canonical NaN);
//  - fused multiply-adds of infinity by zero raise invalid even when the
//    addend is a quiet NaN (QEMU 5.0 takes IEEE's option not to);
//  - amo{min,max}[u].w compare 32-bit values (QEMU 5.0's TCG compares the
//    zero-extended memory word with the whole 64-bit register, a bug fixed
//    in later QEMU).
void LockstepSession::correct_oracle(const ArchState& before, std::uint32_t raw, std::optional<std::uint32_t> amo_old,
                                     ArchState& oracle) {
  const rv::DecodedInsn d = rv::decode(raw);
  if (amo_old) correct_amo_min_max_w(d, before, *amo_old);
  if (rv::format_info(d.id).rd != rv::RegClass::kF) return;
  const bool single = writes_single(d.id);
  if (is_fused_multiply_add(d.id) && (oracle.fcsr & fp::kFlagNV) == 0) {
    const std::uint64_t a = before.f[d.rs1], b = before.f[d.rs2], c = before.f[d.rs3];
    const bool inf_times_zero =
        (is_infinity(a, single) && is_zero(b, single)) || (is_zero(a, single) && is_infinity(b, single));
    if (inf_times_zero && is_nan(c, single) && !is_signalling_nan(c, single)) {
      oracle.fcsr |= fp::kFlagNV;
      unicorn_->set_fcsr(oracle.fcsr);
    }
  }
  std::uint64_t fixed = oracle.f[d.rd];
  if (is_fmin_fmax(d.id)) {
    const std::uint64_t a = before.f[d.rs1], b = before.f[d.rs2];
    const std::uint64_t canonical = single ? fp::kCanonicalNaN32 : fp::kCanonicalNaN64;
    const bool old_rule = (single ? fixed & 0xffffffffu : fixed) == canonical;
    if (old_rule && is_signalling_nan(a, single) && !is_nan(b, single)) fixed = b;
    if (old_rule && is_signalling_nan(b, single) && !is_nan(a, single)) fixed = a;
  }
  if (single) fixed = fp::nan_box(static_cast<std::uint32_t>(fixed));
  if (fixed != oracle.f[d.rd]) {
    oracle.f[d.rd] = fixed;
    unicorn_->set_f(d.rd, fixed);
  }
}

void LockstepSession::correct_amo_min_max_w(const rv::DecodedInsn& d, const ArchState& before, std::uint32_t old) {
  const std::uint64_t src = before.x[d.rs2];
  const std::uint64_t zext_mem = old;
  const auto s32 = [](std::uint64_t v) { return static_cast<std::int32_t>(v); };
  const auto s64 = [](std::uint64_t v) { return static_cast<std::int64_t>(v); };
  const auto u32 = [](std::uint64_t v) { return static_cast<std::uint32_t>(v); };
  std::uint32_t correct = 0, buggy = 0;
  switch (d.id) {
    case rv::InsnId::AMOMIN_W:
      correct = u32(std::min(s32(old), s32(src)));
      buggy = u32(std::min(s64(zext_mem), s64(src)));
      break;
    case rv::InsnId::AMOMAX_W:
      correct = u32(std::max(s32(old), s32(src)));
      buggy = u32(std::max(s64(zext_mem), s64(src)));
      break;
    case rv::InsnId::AMOMINU_W:
      correct = std::min(old, u32(src));
      buggy = u32(std::min(zext_mem, src));
      break;
    default:  // AMOMAXU_W
      correct = std::max(old, u32(src));
      buggy = u32(std::max(zext_mem, src));
      break;
  }
  const std::uint64_t addr = before.x[d.rs1];
  std::uint32_t now = 0;
  std::memcpy(&now, unicorn_->data().data() + (addr - layout_.data_base), 4);
  if (now == buggy && buggy != correct) {
    const std::uint8_t bytes[4] = {static_cast<std::uint8_t>(correct), static_cast<std::uint8_t>(correct >> 8),
                                   static_cast<std::uint8_t>(correct >> 16), static_cast<std::uint8_t>(correct >> 24)};
    unicorn_->write(addr, bytes);
  }
}

}  // namespace vm::lockstep
