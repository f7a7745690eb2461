// Register use in generated code: rdi = CpuState*, rsi = JitContext* for the
// whole block (they are also the BlockFn arguments, so chaining is a plain
// jmp); rax, rcx, rdx, r8, r9 are scratch. The code has no frame: thunk
// calls push rdi/rsi around themselves and keep rsp 16-byte aligned.
#include "jit/x64/baseline_compiler.hpp"

#include <cstddef>
#include <deque>
#include <map>

#include "jit/x64/assembler.hpp"
#include "vm/cross_arch/frontend.hpp"
#include "vm/mem/user_address_space.hpp"

namespace vm::engine::jit::x64 {

bool baseline_supported() noexcept {
#if defined(__x86_64__)
  return true;
#else
  return false;
#endif
}

namespace {

namespace ir = cross_arch::ir;
using cross_arch::TrapCause;
using ir::Opcode;

constexpr std::int32_t off(std::size_t o) { return static_cast<std::int32_t>(o); }
constexpr std::int32_t kPc = off(offsetof(CpuState, pc));
constexpr std::int32_t kInstret = off(offsetof(CpuState, instret));
constexpr std::int32_t kTrapCause = off(offsetof(JitContext, trap) + offsetof(Trap, cause));
constexpr std::int32_t kTrapTval = off(offsetof(JitContext, trap) + offsetof(Trap, tval));

class BaselineEmitter {
 public:
  BaselineEmitter(const ir::Block& block, CodeEntry* self, const SlotOf& slot_of, const BaselineOptions& options)
      : block_(block), self_(self), slot_of_(slot_of), options_(options) {}

  std::vector<std::uint8_t> run() {
    if (options_.count_hot) {
      Label& hot = cold_label([this] {
        a_.mov_imm(rax, kExitHot);
        a_.ret();
      });
      a_.mov_imm(rax, reinterpret_cast<std::uintptr_t>(self_));
      a_.alu_imm(Alu::kSub, at(rax, off(offsetof(CodeEntry, hot_countdown))), 1, /*wide=*/false);
      a_.jcc(kEqual, hot);
    }
    for (const ir::Op& op : block_.ops) emit(op);
    // Out-of-line paths after the body, so the straight-line path is dense.
    a_.bind(to_dispatcher_);
    a_.mov_imm(rax, kExitNext);
    a_.ret();
    for (std::size_t i = 0; i < cold_.size(); ++i) {  // cold code may add more cold code
      Cold next = std::move(cold_[i]);
      a_.bind(*next.label);
      next.emit();
    }
    return a_.code();
  }

 private:
  struct Cold {
    Label* label;
    std::function<void()> emit;
  };
  Label& new_label() { return labels_.emplace_back(); }
  // A label whose code `emit` writes after the block body.
  Label& cold_label(std::function<void()> emit) {
    Label& l = new_label();
    cold_.push_back({&l, std::move(emit)});
    return l;
  }

  static Mem reg(ir::Slot s) { return at(rdi, off(offsetof(CpuState, regs) + 8u * s)); }
  Mem ctx(std::size_t o) { return at(rsi, off(o)); }
  // regs[0] (x0) always holds zero, so sources are plain loads.
  void read(Reg r, ir::Slot s) { a_.load64(r, reg(s)); }
  void write(ir::Slot s, Reg r) {
    if (s != 0) a_.store64(reg(s), r);
  }
  void store_pc(std::uint64_t pc) {
    if (fits_i32(static_cast<std::int64_t>(pc))) {
      a_.store64_imm(at(rdi, kPc), static_cast<std::int32_t>(pc));
    } else {
      a_.mov_imm(rax, pc);
      a_.store64(at(rdi, kPc), rax);
    }
  }
  void retire(std::uint64_t n) {
    if (n) a_.alu_imm(Alu::kAdd, at(rdi, kInstret), static_cast<std::int32_t>(n));
  }
  // rax = src1 + imm.
  void address(const ir::Op& op) {
    read(rax, op.src1);
    add_imm(rax, op.imm);
  }
  void add_imm(Reg r, std::int64_t imm) {
    if (imm == 0) return;
    if (fits_i32(imm)) {
      a_.alu_imm(Alu::kAdd, r, static_cast<std::int32_t>(imm));
    } else {
      a_.mov_imm(rcx, static_cast<std::uint64_t>(imm));
      a_.alu(Alu::kAdd, r, rcx);
    }
  }

  // ---- exits ------------------------------------------------------------------
  // Precise trap at the op's instruction: earlier ones retired, pc at it;
  // trap.cause and trap.tval are already filled.
  Label& fault_exit(const ir::Op& op) {
    auto it = fault_exits_.find(op.insn);
    if (it != fault_exits_.end()) return *it->second;
    const std::uint64_t pc = block_.insn_pc(op.insn);
    const unsigned retired = op.insn;
    Label& l = cold_label([this, pc, retired] {
      store_pc(pc);
      retire(retired);
      a_.mov_imm(rax, kExitFault);
      a_.ret();
    });
    fault_exits_.emplace(op.insn, &l);
    return l;
  }
  // Fills trap.cause/tval with constants and leaves through fault_exit.
  Label& fault_with(const ir::Op& op, std::uint64_t cause, std::uint64_t tval) {
    Label& exit = fault_exit(op);
    return cold_label([this, cause, tval, &exit] {
      a_.store64_imm(ctx(offsetof(JitContext, trap) + offsetof(Trap, cause)), static_cast<std::int32_t>(cause));
      a_.mov_imm(rax, tval);
      a_.store64(at(rsi, kTrapTval), rax);
      a_.jmp(exit);
    });
  }
  void leave(std::uint64_t pc, std::uint64_t retired, ExitCode code) {
    store_pc(pc);
    retire(retired);
    a_.mov_imm(rax, code);
    a_.ret();
  }
  // cpu.pc is stored and the block retired: stop if the run's budget is
  // spent (or the engine lowered stop_at), else run the slot's code (in
  // rdx) or go back to the dispatcher when it has none.
  void budget_check() {
    a_.load64(rcx, at(rdi, kInstret));
    a_.alu(Alu::kCmp, rcx, ctx(offsetof(JitContext, stop_at)));
    a_.jcc(kAboveEqual, to_dispatcher_);
  }
  void tail_call_slot(Reg slot) {
    a_.load64(rax, at(slot, off(offsetof(CodeEntry, fn))));
    a_.test(rax, rax);
    a_.jcc(kEqual, to_dispatcher_);
    a_.jmp(rax);
  }
  void chain_to(std::uint64_t pc) {
    store_pc(pc);
    budget_check();
    a_.mov_imm(rdx, reinterpret_cast<std::uintptr_t>(slot_of_(pc)));
    tail_call_slot(rdx);
  }
  // rax = the target pc, already in cpu.pc: probe the jump cache.
  void chain_indirect() {
    budget_check();
    a_.mov(rcx, rax);
    a_.shift_imm(Shift::kShr, rcx, 1, true);
    a_.alu_imm(Alu::kAnd, rcx, static_cast<std::int32_t>(kJumpCacheSize - 1));
    a_.load64(rdx, ctx(offsetof(JitContext, jump_cache)));
    a_.load64(rdx, at_index(rdx, rcx, 3));
    a_.test(rdx, rdx);
    a_.jcc(kEqual, to_dispatcher_);
    a_.alu(Alu::kCmp, rax, at(rdx, off(offsetof(CodeEntry, pc))));
    a_.jcc(kNotEqual, to_dispatcher_);
    tail_call_slot(rdx);
  }
  // Calls the profile thunk when rax (the target) differs from the last one.
  void note_target() {
    Label& back = new_label();
    Label& note = cold_label([this, &back] {
      a_.push(rdi);
      a_.push(rsi);
      a_.push(rax);  // three pushes re-align rsp to 16
      a_.mov(rsi, rax);
      a_.mov(rdi, rcx);
      a_.mov_imm(rax, reinterpret_cast<std::uintptr_t>(&vm_jit_note_target));
      a_.call(rax);
      a_.pop(rax);
      a_.pop(rsi);
      a_.pop(rdi);
      a_.jmp(back);
    });
    a_.mov_imm(rcx, reinterpret_cast<std::uintptr_t>(self_));
    a_.alu(Alu::kCmp, rax, at(rcx, off(offsetof(CodeEntry, last_target))));
    a_.jcc(kNotEqual, note);
    a_.bind(back);
  }

  // ---- thunk calls --------------------------------------------------------------
  // Entry rsp is 8 mod 16. These save rdi/rsi and reserve `scratch` bytes
  // (8 mod 16, so calls are aligned) at [rsp]; end_call() undoes it.
  void begin_call(std::int32_t scratch) {
    a_.push(rdi);
    a_.push(rsi);
    a_.alu_imm(Alu::kSub, rsp, scratch);
  }
  void end_call(std::int32_t scratch) {
    a_.alu_imm(Alu::kAdd, rsp, scratch);
    a_.pop(rsi);
    a_.pop(rdi);
  }
  template <typename Fn>
  void call(Fn* thunk) {
    a_.mov_imm(rax, reinterpret_cast<std::uintptr_t>(thunk));
    a_.call(rax);
  }

  // ---- memory -----------------------------------------------------------------
  // rax = host address of the access at src1 + imm, or leaves through the
  // fault exit; same checks as the LLVM tier's fast path.
  void host_ptr(const ir::Op& op, unsigned size, std::uint8_t need) {
    Label& join = new_label();
    Label& slow = cold_label([this, &op, size, need, &join] {
      begin_call(8);
      a_.mov(rdi, rsi);
      a_.mov(rsi, rax);
      a_.mov_imm(rdx, size);
      a_.mov_imm(rcx, need);
      call(&vm_jit_host_ptr);
      end_call(8);
      a_.test(rax, rax);
      a_.jcc(kEqual, fault_exit(op));
      a_.jmp(join);
    });
    address(op);
    a_.alu(Alu::kCmp, rax, ctx(offsetof(JitContext, limit)));
    a_.jcc(kAboveEqual, slow);
    // Stores also require a page without translated code (kPermCode).
    const std::uint8_t mask = (need & mem::kPermWrite) ? (need | mem::kPermCode) : need;
    a_.mov(rdx, rax);
    a_.shift_imm(Shift::kShr, rdx, 12, true);
    a_.load64(rcx, ctx(offsetof(JitContext, perms)));
    a_.load_u8(rcx, at_index(rcx, rdx, 0));
    a_.alu_imm(Alu::kAnd, rcx, mask, false);
    a_.alu_imm(Alu::kCmp, rcx, need, false);
    a_.jcc(kNotEqual, slow);
    if (size > 1) {
      a_.mov32(rdx, rax);
      a_.alu_imm(Alu::kAnd, rdx, 0xfff, false);
      a_.alu_imm(Alu::kCmp, rdx, static_cast<std::int32_t>(4096 - size), false);
      a_.jcc(kAbove, slow);
    }
    a_.alu(Alu::kAdd, rax, ctx(offsetof(JitContext, base)));
    a_.bind(join);
  }
  enum class Ext { kSigned, kZero, kNanBox };
  void load(const ir::Op& op, unsigned size, Ext ext) {
    host_ptr(op, size, mem::kPermRead);
    const Mem p = at(rax);
    switch (size) {
      case 1:
        ext == Ext::kSigned ? a_.load_s8(rcx, p) : a_.load_u8(rcx, p);
        break;
      case 2:
        ext == Ext::kSigned ? a_.load_s16(rcx, p) : a_.load_u16(rcx, p);
        break;
      case 4:
        ext == Ext::kSigned ? a_.load_s32(rcx, p) : a_.load32(rcx, p);
        if (ext == Ext::kNanBox) {
          a_.mov_imm(rdx, 0xffffffff00000000ull);
          a_.alu(Alu::kOr, rcx, rdx);
        }
        break;
      default:
        a_.load64(rcx, p);
        break;
    }
    write(op.dst, rcx);
  }
  void store(const ir::Op& op, unsigned size) {
    host_ptr(op, size, mem::kPermWrite);
    read(rcx, op.src2);
    const Mem p = at(rax);
    switch (size) {
      case 1:
        a_.store8(p, rcx);
        break;
      case 2:
        a_.store16(p, rcx);
        break;
      case 4:
        a_.store32(p, rcx);
        break;
      default:
        a_.store64(p, rcx);
        break;
    }
  }

  // ---- integer ------------------------------------------------------------------
  // rax = a, then `op rax, b` with b from its slot or the immediate.
  void alu_op(const ir::Op& op, Alu alu, bool wide) {
    read(rax, op.src1);
    if (ir::format_of(op.opcode) == ir::Format::RRI) {
      if (fits_i32(op.imm)) {
        a_.alu_imm(alu, rax, static_cast<std::int32_t>(op.imm), wide);
      } else {
        a_.mov_imm(rcx, static_cast<std::uint64_t>(op.imm));
        wide ? a_.alu(alu, rax, rcx) : a_.alu32(alu, rax, rcx);
      }
    } else {
      wide ? a_.alu(alu, rax, reg(op.src2)) : a_.alu32(alu, rax, reg(op.src2));
    }
  }
  void shift_op(const ir::Op& op, Shift s, bool wide) {
    read(rax, op.src1);
    if (ir::format_of(op.opcode) == ir::Format::RRI) {
      a_.shift_imm(s, rax, static_cast<std::uint8_t>(op.imm & (wide ? 63 : 31)), wide);
    } else {
      read(rcx, op.src2);  // x86 masks the count to 6 (5) bits, as RISC-V does
      a_.shift_cl(s, rax, wide);
    }
  }
  void set_if(const ir::Op& op, Cond c) {
    alu_op(op, Alu::kCmp, true);
    a_.setcc(c, rax);
    a_.movzx8(rax, rax);
  }
  // RISC-V division never traps: x/0 = -1, x%0 = x, MIN/-1 = MIN, MIN%-1 = 0.
  void divide(const ir::Op& op, bool is_signed, bool remainder, bool wide) {
    read(rax, op.src1);
    read(rcx, op.src2);
    Label& by_zero = new_label();
    Label& by_minus_one = new_label();
    Label& done = new_label();
    wide ? a_.test(rcx, rcx) : a_.test32(rcx, rcx);
    a_.jcc(kEqual, by_zero);
    if (is_signed) {
      a_.alu_imm(Alu::kCmp, rcx, -1, wide);
      a_.jcc(kEqual, by_minus_one);
      wide ? a_.cqo() : a_.cdq();
      a_.idiv(rcx, wide);
    } else {
      a_.alu32(Alu::kXor, rdx, rdx);
      a_.div(rcx, wide);
    }
    if (remainder) a_.mov(rax, rdx);
    a_.jmp(done);
    if (is_signed) {
      a_.bind(by_minus_one);  // -a wraps MIN to MIN; the remainder is 0
      remainder ? a_.alu32(Alu::kXor, rax, rax) : a_.neg(rax, wide);
      a_.jmp(done);
    }
    a_.bind(by_zero);
    if (!remainder) a_.mov_imm(rax, ~std::uint64_t{0});
    a_.bind(done);
    if (!wide) a_.movsxd(rax, rax);
    write(op.dst, rax);
  }
  void mul_high(const ir::Op& op, Opcode kind) {
    read(rax, op.src1);
    read(rcx, op.src2);
    if (kind == Opcode::Mulh) {
      a_.imul_wide(rcx);
    } else {
      a_.mov(r8, rax);
      a_.mul_wide(rcx);
      if (kind == Opcode::Mulhsu) {  // signed a: subtract b when a < 0
        a_.shift_imm(Shift::kSar, r8, 63, true);
        a_.alu(Alu::kAnd, r8, rcx);
        a_.alu(Alu::kSub, rdx, r8);
      }
    }
    write(op.dst, rdx);
  }
  void emit_int(const ir::Op& op) {
    switch (op.opcode) {
      case Opcode::Add:
      case Opcode::AddI:
        alu_op(op, Alu::kAdd, true);
        break;
      case Opcode::Sub:
        alu_op(op, Alu::kSub, true);
        break;
      case Opcode::Xor:
      case Opcode::XorI:
        alu_op(op, Alu::kXor, true);
        break;
      case Opcode::Or:
      case Opcode::OrI:
        alu_op(op, Alu::kOr, true);
        break;
      case Opcode::And:
      case Opcode::AndI:
        alu_op(op, Alu::kAnd, true);
        break;
      case Opcode::Slt:
      case Opcode::SltI:
        set_if(op, kLess);
        break;
      case Opcode::Sltu:
      case Opcode::SltuI:
        set_if(op, kBelow);
        break;
      case Opcode::Sll:
      case Opcode::SllI:
        shift_op(op, Shift::kShl, true);
        break;
      case Opcode::Srl:
      case Opcode::SrlI:
        shift_op(op, Shift::kShr, true);
        break;
      case Opcode::Sra:
      case Opcode::SraI:
        shift_op(op, Shift::kSar, true);
        break;
      case Opcode::AddW:
      case Opcode::AddIW:
        alu_op(op, Alu::kAdd, false);
        a_.movsxd(rax, rax);
        break;
      case Opcode::SubW:
        alu_op(op, Alu::kSub, false);
        a_.movsxd(rax, rax);
        break;
      case Opcode::SllW:
      case Opcode::SllIW:
        shift_op(op, Shift::kShl, false);
        a_.movsxd(rax, rax);
        break;
      case Opcode::SrlW:
      case Opcode::SrlIW:
        shift_op(op, Shift::kShr, false);
        a_.movsxd(rax, rax);
        break;
      case Opcode::SraW:
      case Opcode::SraIW:
        shift_op(op, Shift::kSar, false);
        a_.movsxd(rax, rax);
        break;
      case Opcode::Mul:
        read(rax, op.src1);
        read(rcx, op.src2);
        a_.imul(rax, rcx);
        break;
      case Opcode::MulW:
        read(rax, op.src1);
        read(rcx, op.src2);
        a_.imul32(rax, rcx);
        a_.movsxd(rax, rax);
        break;
      case Opcode::Mulh:
      case Opcode::Mulhsu:
      case Opcode::Mulhu:
        return mul_high(op, op.opcode);
      case Opcode::Div:
        return divide(op, true, false, true);
      case Opcode::Divu:
        return divide(op, false, false, true);
      case Opcode::Rem:
        return divide(op, true, true, true);
      case Opcode::Remu:
        return divide(op, false, true, true);
      case Opcode::DivW:
        return divide(op, true, false, false);
      case Opcode::DivuW:
        return divide(op, false, false, false);
      case Opcode::RemW:
        return divide(op, true, true, false);
      case Opcode::RemuW:
        return divide(op, false, true, false);
      default:
        return;
    }
    write(op.dst, rax);
  }

  // ---- helpers: AMO, CSR, FP ------------------------------------------------------
  void emit_amo(const ir::Op& op) {
    begin_call(8);  // [rsp]: *out
    a_.load64(rcx, reg(op.src1));
    a_.load64(r8, reg(op.src2));
    a_.mov(rax, rdi);
    a_.mov(rdi, rsi);
    a_.mov(rsi, rax);
    a_.mov_imm(rdx, static_cast<std::uint64_t>(op.opcode));
    a_.mov(r9, rsp);
    call(&vm_jit_amo);
    a_.load64(rcx, at(rsp));
    end_call(8);
    Label& exit = fault_exit(op);
    Label& fault = cold_label([this, &exit] {  // rax = cause + 1, rcx = tval
      a_.alu_imm(Alu::kSub, rax, 1);
      a_.store64(at(rsi, kTrapCause), rax);
      a_.store64(at(rsi, kTrapTval), rcx);
      a_.jmp(exit);
    });
    a_.test(rax, rax);
    a_.jcc(kNotEqual, fault);
    write(op.dst, rcx);
  }
  // Seven-argument thunks (CSR, FP) inside begin_call(24): the seventh, a
  // pointer to the result at [rsp + 8], goes on the stack.
  void pass_result_pointer() {
    a_.lea(rax, at(rsp, 8));
    a_.store64(at(rsp), rax);
  }
  // After such a call: fault (illegal instruction) when it returned false,
  // else write its result.
  void collect_bool_result(const ir::Op& op) {
    a_.movzx8(rcx, rax);
    a_.load64(rax, at(rsp, 8));
    end_call(24);
    a_.test32(rcx, rcx);
    a_.jcc(kEqual, fault_with(op, static_cast<std::uint64_t>(TrapCause::kIllegalInsn), 0));
    write(op.dst, rax);
  }
  // The fflags CSR (frflags/fsflags around quiet comparisons) inline: fold
  // the flags pending in MXCSR into fcsr (as host_fp::fold_flags) without
  // a call. MXCSR goes through the red zone below rsp.
  void emit_fflags(const ir::Op& op) {
    const Mem scratch = at(rsp, -8);
    const std::int32_t fcsr = off(offsetof(CpuState, fcsr));
    Label& folded = new_label();
    Label& fold = cold_label([this, scratch, fcsr, &folded] {
      // eax = MXCSR: IE(0) -> NV(16), ZE(2) -> DZ(8), OE(3) -> OF(4),
      // UE(4) -> UF(2), PE(5) -> NX(1).
      a_.mov32(rcx, rax);
      a_.alu_imm(Alu::kAnd, rcx, 1, false);
      a_.shift_imm(Shift::kShl, rcx, 4, false);
      const std::pair<int, int> moves[] = {{2, 3}, {3, 2}, {4, 1}, {5, 0}};
      for (auto [from, to] : moves) {
        a_.mov32(rdx, rax);
        a_.shift_imm(Shift::kShr, rdx, static_cast<std::uint8_t>(from), false);
        a_.alu_imm(Alu::kAnd, rdx, 1, false);
        if (to) a_.shift_imm(Shift::kShl, rdx, static_cast<std::uint8_t>(to), false);
        a_.alu32(Alu::kOr, rcx, rdx);
      }
      a_.load32(rdx, at(rdi, fcsr));
      a_.alu32(Alu::kOr, rdx, rcx);
      a_.store32(at(rdi, fcsr), rdx);
      a_.store32_imm(scratch, 0x1f80);  // the guest default, no flags pending
      a_.ldmxcsr(scratch);
      a_.jmp(folded);
    });
    a_.stmxcsr(scratch);
    a_.load32(rax, scratch);
    a_.alu_imm(Alu::kAnd, rax, 0x3f, false);
    a_.jcc(kNotEqual, fold);
    a_.bind(folded);
    const auto kind = static_cast<ir::CsrOp>(op.aux);
    const bool immediate = kind == ir::CsrOp::kRwi || kind == ir::CsrOp::kRsi || kind == ir::CsrOp::kRci;
    const bool writes = kind == ir::CsrOp::kRw || kind == ir::CsrOp::kRwi || (immediate ? op.src2 != 0 : op.src1 != 0);
    a_.load32(rdx, at(rdi, fcsr));
    a_.mov32(rax, rdx);
    a_.alu_imm(Alu::kAnd, rax, 0x1f, false);  // the old fflags
    if (writes) {
      if (immediate)
        a_.mov_imm(rcx, op.src2);
      else
        read(rcx, op.src1);
      if (kind == ir::CsrOp::kRs || kind == ir::CsrOp::kRsi) a_.alu32(Alu::kOr, rcx, rax);
      if (kind == ir::CsrOp::kRc || kind == ir::CsrOp::kRci) {
        a_.alu_imm(Alu::kXor, rcx, -1, false);
        a_.alu32(Alu::kAnd, rcx, rax);
      }
      a_.alu_imm(Alu::kAnd, rcx, 0x1f, false);
      a_.alu_imm(Alu::kAnd, rdx, ~0x1f, false);
      a_.alu32(Alu::kOr, rdx, rcx);
      a_.store32(at(rdi, fcsr), rdx);
    }
    write(op.dst, rax);
  }
  void emit_csr(const ir::Op& op) {
    if (op.imm == 0x001) return emit_fflags(op);
    const auto kind = static_cast<ir::CsrOp>(op.aux);
    const bool immediate = kind == ir::CsrOp::kRwi || kind == ir::CsrOp::kRsi || kind == ir::CsrOp::kRci;
    begin_call(24);
    if (immediate)
      a_.mov_imm(rcx, op.src2);
    else
      read(rcx, op.src1);
    a_.mov_imm(r8, (immediate ? op.src2 : op.src1) == 0 ? 1 : 0);
    a_.load64(r9, at(rdi, kInstret));  // the CSR sees this instruction's predecessors retired
    add_imm(r9, op.insn);
    pass_result_pointer();
    a_.mov_imm(rsi, op.aux);
    a_.mov_imm(rdx, static_cast<std::uint64_t>(op.imm));
    call(&vm_jit_csr);
    collect_bool_result(op);
  }
  // Every FP op but the common double-precision ones goes through the thunk
  // (the interpreter's code, any rounding mode), which fails only for a
  // reserved rounding mode.
  void emit_fp(const ir::Op& op) {
    if (emit_fp_inline(op)) return;
    emit_fp_call(op);
  }
  void emit_fp_call(const ir::Op& op) {
    begin_call(24);
    read(rcx, op.src1);
    read(r8, op.src2);
    read(r9, op.src3);
    pass_result_pointer();
    a_.mov_imm(rsi, static_cast<std::uint64_t>(op.opcode));
    a_.mov_imm(rdx, op.aux);
    call(&vm_jit_fp);
    collect_bool_result(op);
  }

  // For a dynamic rounding mode: when frm (fcsr bits 5..7) is not
  // round-to-nearest, the thunk runs the op (and faults for a reserved
  // frm), then code continues at `done`.
  void call_unless_nearest(const ir::Op& op, Label& done) {
    Label& other = cold_label([this, &op, &done] {
      emit_fp_call(op);
      a_.jmp(done);
    });
    a_.load32(rax, at(rdi, off(offsetof(CpuState, fcsr))));
    a_.alu_imm(Alu::kAnd, rax, 0xe0, false);
    a_.jcc(kNotEqual, other);
  }

  // Double-precision arithmetic, comparisons, sign injection, moves and
  // exact int32 conversions on the host's SSE unit, as the interpreter's
  // host_fp fast path does: round-to-nearest only (a dynamic rounding mode
  // is checked at run time, anything else calls the thunk), status flags
  // left pending in MXCSR, RISC-V's canonical NaN for NaN results.
  bool emit_fp_inline(const ir::Op& op) {
    constexpr std::uint64_t kSign = 1ull << 63;
    switch (op.opcode) {
      case Opcode::FsgnjD:
      case Opcode::FsgnjnD:
      case Opcode::FsgnjxD:
        read(rax, op.src1);
        read(rcx, op.src2);
        a_.mov_imm(rdx, kSign);
        if (op.opcode == Opcode::FsgnjnD) a_.alu(Alu::kXor, rcx, rdx);  // the negated sign
        a_.alu(Alu::kAnd, rcx, rdx);
        if (op.opcode != Opcode::FsgnjxD) {
          a_.mov_imm(rdx, ~kSign);
          a_.alu(Alu::kAnd, rax, rdx);
          a_.alu(Alu::kOr, rax, rcx);
        } else {
          a_.alu(Alu::kXor, rax, rcx);
        }
        write(op.dst, rax);
        return true;
      case Opcode::FmvXD:
      case Opcode::FmvDX:
        read(rax, op.src1);
        write(op.dst, rax);
        return true;
      case Opcode::FcvtDW: {  // exact: every int32 is a double, no flags
        // Exact, yet rm = dyn with a reserved frm (5..7) is an illegal
        // instruction, as in the interpreter: only frm = nearest stays inline.
        Label& done = new_label();
        if (op.aux == ir::kRmDynamic) call_unless_nearest(op, done);
        read(rax, op.src1);
        a_.cvtsi2sd32(static_cast<Reg>(0), rax);
        a_.movsd_store(reg(op.dst), static_cast<Reg>(0));
        a_.bind(done);
        return true;
      }
      case Opcode::FeqD:
      case Opcode::FltD:
      case Opcode::FleD: {
        const Reg xmm0 = static_cast<Reg>(0);
        if (op.opcode == Opcode::FeqD) {
          // Quiet: NV only for a signalling NaN, as ucomisd raises IE.
          a_.movsd_load(xmm0, reg(op.src1));
          a_.ucomisd(xmm0, reg(op.src2));
          a_.setcc(kEqual, rax);
          a_.setcc(kNotParity, rcx);  // ordered
          a_.alu32(Alu::kAnd, rax, rcx);
        } else {
          // Signalling: NV for any NaN, as comisd raises IE. b > a (b >= a)
          // is false when unordered.
          a_.movsd_load(xmm0, reg(op.src2));
          a_.comisd(xmm0, reg(op.src1));
          a_.setcc(op.opcode == Opcode::FltD ? kAbove : kAboveEqual, rax);
        }
        a_.movzx8(rax, rax);
        write(op.dst, rax);
        return true;
      }
      case Opcode::FaddD:
      case Opcode::FsubD:
      case Opcode::FmulD:
      case Opcode::FdivD:
      case Opcode::FsqrtD:
        break;
      default:
        return false;
    }
    if (op.aux != 0 && op.aux != ir::kRmDynamic) return false;
    Label& done = new_label();
    if (op.aux == ir::kRmDynamic) call_unless_nearest(op, done);
    const Reg xmm0 = static_cast<Reg>(0);
    if (op.opcode == Opcode::FsqrtD) {
      a_.sqrtsd(xmm0, reg(op.src1));
    } else {
      a_.movsd_load(xmm0, reg(op.src1));
      switch (op.opcode) {
        case Opcode::FaddD:
          a_.addsd(xmm0, reg(op.src2));
          break;
        case Opcode::FsubD:
          a_.subsd(xmm0, reg(op.src2));
          break;
        case Opcode::FmulD:
          a_.mulsd(xmm0, reg(op.src2));
          break;
        default:
          a_.divsd(xmm0, reg(op.src2));
          break;
      }
    }
    Label& nan = cold_label([this, &op, &done] {
      a_.mov_imm(rax, 0x7ff8000000000000ull);
      write(op.dst, rax);
      a_.jmp(done);
    });
    a_.ucomisd(xmm0, xmm0);  // quiet: SSE's NaN results are quiet, so no flag
    a_.jcc(kParity, nan);    // unordered
    a_.movsd_store(reg(op.dst), xmm0);
    a_.bind(done);
    return true;
  }

  // ---- terminators ------------------------------------------------------------------
  void emit_terminator(const ir::Op& op) {
    const std::uint64_t n = block_.guest_insn_count();
    switch (op.opcode) {
      case Opcode::Beq:
      case Opcode::Bne:
      case Opcode::Blt:
      case Opcode::Bge:
      case Opcode::Bltu:
      case Opcode::Bgeu: {
        retire(n);
        read(rax, op.src1);
        a_.alu(Alu::kCmp, rax, reg(op.src2));
        Cond c = kEqual;
        switch (op.opcode) {
          case Opcode::Bne:
            c = kNotEqual;
            break;
          case Opcode::Blt:
            c = kLess;
            break;
          case Opcode::Bge:
            c = kGreaterEqual;
            break;
          case Opcode::Bltu:
            c = kBelow;
            break;
          case Opcode::Bgeu:
            c = kAboveEqual;
            break;
          default:
            break;
        }
        Label& taken = new_label();
        a_.jcc(c, taken);
        chain_to(block_.end_pc);
        a_.bind(taken);
        chain_to(static_cast<std::uint64_t>(op.imm));
        return;
      }
      case Opcode::Jump:
        retire(n);
        chain_to(static_cast<std::uint64_t>(op.imm));
        return;
      case Opcode::JumpR:
        address(op);
        a_.alu_imm(Alu::kAnd, rax, -2);
        a_.store64(at(rdi, kPc), rax);
        retire(n);
        if (options_.note_targets) note_target();
        chain_indirect();
        return;
      case Opcode::Ecall:
        leave(block_.insn_pc(op.insn), op.insn + 1u, kExitEcall);
        return;
      case Opcode::FenceI:
        leave(block_.end_pc, op.insn + 1u, kExitFenceI);
        return;
      case Opcode::Ebreak: {
        const std::uint64_t pc = block_.insn_pc(op.insn);
        a_.jmp(fault_with(op, static_cast<std::uint64_t>(TrapCause::kBreakpoint), pc));
        return;
      }
      default:  // Trap
        a_.jmp(fault_with(op, op.aux, static_cast<std::uint64_t>(op.imm)));
        return;
    }
  }

  void emit(const ir::Op& op) {
    if (ir::is_terminator(op.opcode)) return emit_terminator(op);
    switch (op.opcode) {
      case Opcode::LoadImm:
        if (op.dst == 0) return;
        if (fits_i32(op.imm)) {
          a_.store64_imm(reg(op.dst), static_cast<std::int32_t>(op.imm));
        } else {
          a_.mov_imm(rax, static_cast<std::uint64_t>(op.imm));
          write(op.dst, rax);
        }
        return;
      case Opcode::Lb:
        return load(op, 1, Ext::kSigned);
      case Opcode::Lh:
        return load(op, 2, Ext::kSigned);
      case Opcode::Lw:
        return load(op, 4, Ext::kSigned);
      case Opcode::Ld:
      case Opcode::Fld:
        return load(op, 8, Ext::kZero);
      case Opcode::Lbu:
        return load(op, 1, Ext::kZero);
      case Opcode::Lhu:
        return load(op, 2, Ext::kZero);
      case Opcode::Lwu:
        return load(op, 4, Ext::kZero);
      case Opcode::Flw:
        return load(op, 4, Ext::kNanBox);
      case Opcode::Sb:
        return store(op, 1);
      case Opcode::Sh:
        return store(op, 2);
      case Opcode::Sw:
      case Opcode::Fsw:
        return store(op, 4);
      case Opcode::Sd:
      case Opcode::Fsd:
        return store(op, 8);
      case Opcode::Fence:
        return;
      default:
        break;
    }
    switch (ir::format_of(op.opcode)) {
      case ir::Format::RRR:
      case ir::Format::RRI:
        return emit_int(op);
      case ir::Format::AMO:
        return emit_amo(op);
      case ir::Format::CSR:
        return emit_csr(op);
      default:
        return emit_fp(op);
    }
  }

  const ir::Block& block_;
  CodeEntry* self_;
  const SlotOf& slot_of_;
  BaselineOptions options_;
  Assembler a_;
  std::deque<Label> labels_;  // stable addresses for cold code and fixups
  std::deque<Cold> cold_;
  std::map<unsigned, Label*> fault_exits_;  // by guest instruction index
  Label to_dispatcher_;
};

}  // namespace

std::vector<std::uint8_t> compile_baseline(const cross_arch::ir::Block& block, CodeEntry* self, const SlotOf& slot_of,
                                           const BaselineOptions& options) {
  return BaselineEmitter(block, self, slot_of, options).run();
}

}  // namespace vm::engine::jit::x64
