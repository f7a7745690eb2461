#include "interp/translate.hpp"

#include "vm/cross_arch/riscv/lifter.hpp"
#include "vm/engine/cpu_state.hpp"

namespace vm::engine::interp {

using cross_arch::TrapCause;

bool Translator::fetch16(std::uint64_t addr, std::uint16_t& out) noexcept {
  const std::uint8_t* p = memory_.host_ptr(addr, 2, mem::kPermExec);
  if (!p) return false;
  out = static_cast<std::uint16_t>(p[0] | (p[1] << 8));
  return true;
}

cross_arch::ir::Block Translator::lift(std::uint64_t pc, unsigned max_insns) {
  cross_arch::LiftOptions options;
  options.max_insns = max_insns;
  cross_arch::ir::Block block = cross_arch::riscv::lift_block(pc, *this, options);
  // Stores to these pages now take the slow path, which notices the guest
  // rewriting code it has translated.
  if (block.end_pc > block.start_pc) memory_.mark_code(block.start_pc, block.end_pc - block.start_pc);
  return block;
}

bool Translator::is_fetch_fault(const cross_arch::ir::Block& block) noexcept {
  if (block.ops.size() != 1 || block.ops[0].opcode != ir::Opcode::Trap) return false;
  const auto cause = static_cast<TrapCause>(block.ops[0].aux);
  return cause == TrapCause::kInsnPageFault || cause == TrapCause::kInsnAccessFault;
}

std::unique_ptr<ExecBlock> to_exec_block(const cross_arch::ir::Block& block, const void* const* labels) {
  auto exec = std::make_unique<ExecBlock>();
  exec->start_pc = block.start_pc;
  exec->end_pc = block.end_pc;
  exec->insn_count = static_cast<std::uint32_t>(block.guest_insn_count());
  exec->insn_offsets = block.insn_offsets;
  exec->ops.reserve(block.ops.size());
  for (const ir::Op& op : block.ops) {
    exec->ops.push_back(ExecOp{labels[static_cast<std::size_t>(op.opcode)], op.dst, op.src1, op.src2, op.src3, op.aux,
                               op.insn, op.opcode, op.imm});
  }
  return exec;
}

bool amo_is_64bit(ir::Opcode op) noexcept {
  switch (op) {
    case ir::Opcode::LrD:
    case ir::Opcode::ScD:
    case ir::Opcode::AmoSwapD:
    case ir::Opcode::AmoAddD:
    case ir::Opcode::AmoXorD:
    case ir::Opcode::AmoAndD:
    case ir::Opcode::AmoOrD:
    case ir::Opcode::AmoMinD:
    case ir::Opcode::AmoMaxD:
    case ir::Opcode::AmoMinuD:
    case ir::Opcode::AmoMaxuD:
      return true;
    default:
      return false;
  }
}

namespace {

// Read-modify-write with a CAS loop on the host word, so a future multi-hart
// engine gets real atomicity. Returns the old value.
template <typename T, typename F>
T rmw(std::uint8_t* host, F f) noexcept {
  auto* word = reinterpret_cast<T*>(host);
  T old = __atomic_load_n(word, __ATOMIC_SEQ_CST);
  while (!__atomic_compare_exchange_n(word, &old, f(old), false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
  }
  return old;
}

template <typename T>
std::uint64_t amo(ir::Opcode op, std::uint8_t* host, std::uint64_t src_bits, std::uint64_t addr,
                  std::uint64_t& reservation) noexcept {
  using S = std::make_signed_t<T>;
  const T src = static_cast<T>(src_bits);
  auto widen = [](T v) { return static_cast<std::uint64_t>(static_cast<std::int64_t>(static_cast<S>(v))); };
  switch (op) {
    case ir::Opcode::LrW:
    case ir::Opcode::LrD:
      reservation = addr;
      return widen(__atomic_load_n(reinterpret_cast<T*>(host), __ATOMIC_SEQ_CST));
    case ir::Opcode::ScW:
    case ir::Opcode::ScD: {
      const bool ok = reservation == addr;
      reservation = vm::engine::kNoReservation;  // any SC ends the reservation
      if (!ok) return 1;
      __atomic_store_n(reinterpret_cast<T*>(host), src, __ATOMIC_SEQ_CST);
      return 0;
    }
    case ir::Opcode::AmoSwapW:
    case ir::Opcode::AmoSwapD:
      return widen(rmw<T>(host, [&](T) { return src; }));
    case ir::Opcode::AmoAddW:
    case ir::Opcode::AmoAddD:
      return widen(rmw<T>(host, [&](T v) { return T(v + src); }));
    case ir::Opcode::AmoXorW:
    case ir::Opcode::AmoXorD:
      return widen(rmw<T>(host, [&](T v) { return T(v ^ src); }));
    case ir::Opcode::AmoAndW:
    case ir::Opcode::AmoAndD:
      return widen(rmw<T>(host, [&](T v) { return T(v & src); }));
    case ir::Opcode::AmoOrW:
    case ir::Opcode::AmoOrD:
      return widen(rmw<T>(host, [&](T v) { return T(v | src); }));
    case ir::Opcode::AmoMinW:
    case ir::Opcode::AmoMinD:
      return widen(rmw<T>(host, [&](T v) { return S(v) < S(src) ? v : src; }));
    case ir::Opcode::AmoMaxW:
    case ir::Opcode::AmoMaxD:
      return widen(rmw<T>(host, [&](T v) { return S(v) > S(src) ? v : src; }));
    case ir::Opcode::AmoMinuW:
    case ir::Opcode::AmoMinuD:
      return widen(rmw<T>(host, [&](T v) { return v < src ? v : src; }));
    case ir::Opcode::AmoMaxuW:
    case ir::Opcode::AmoMaxuD:
      return widen(rmw<T>(host, [&](T v) { return v > src ? v : src; }));
    default:
      return 0;
  }
}

}  // namespace

std::uint64_t execute_amo(ir::Opcode op, std::uint8_t* host, std::uint64_t src, std::uint64_t guest_addr,
                          std::uint64_t& reservation) noexcept {
  if (amo_is_64bit(op)) return amo<std::uint64_t>(op, host, src, guest_addr, reservation);
  return amo<std::uint32_t>(op, host, src, guest_addr, reservation);
}

}  // namespace vm::engine::interp
