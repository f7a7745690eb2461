// The baseline tier: integer, memory and control-flow ops (FP and CSR ops
// are in baseline_emit_fp.cpp).
#include "jit/x64/baseline_compiler.hpp"

#include "jit/x64/baseline_emitter.hpp"

namespace vm::engine::jit::x64 {

bool baseline_supported() noexcept {
#if defined(__x86_64__)
  return true;
#else
  return false;
#endif
}

std::vector<std::uint8_t> BaselineEmitter::run() {
  if (options_.count_hot) {
    Label& hot = cold_label([this] {
      a_.mov_imm(rax, kExitHot);
      a_.ret();
    });
    count_down(hot);
  }
  for (const ir::Op& op : block_->ops) emit(op);
  return finish();
}

std::vector<std::uint8_t> BaselineEmitter::finish() {
  // Out-of-line paths after the body, so the straight-line path is dense.
  a_.bind(to_dispatcher_);
  a_.mov_imm(rax, kExitNext);
  a_.ret();
  for (std::size_t i = 0; i < cold_.size(); ++i) {  // cold code may add more cold code
    Cold next = std::move(cold_[i]);
    block_ = next.block;
    block_index_ = next.block_index;
    a_.bind(*next.label);
    next.emit();
  }
  return a_.code();
}

void BaselineEmitter::add_imm(Reg r, std::int64_t imm) {
  if (imm == 0) return;
  if (fits_i32(imm)) {
    a_.alu_imm(Alu::kAdd, r, static_cast<std::int32_t>(imm));
  } else {
    a_.mov_imm(rcx, static_cast<std::uint64_t>(imm));
    a_.alu(Alu::kAdd, r, rcx);
  }
}

// ---- exits ------------------------------------------------------------------
Label& BaselineEmitter::fault_exit(const ir::Op& op) {
  const std::pair<std::size_t, unsigned> key{block_index_, op.insn};
  auto it = fault_exits_.find(key);
  if (it != fault_exits_.end()) return *it->second;
  const std::uint64_t pc = block_->insn_pc(op.insn);
  const unsigned retired = op.insn;
  Label& l = cold_label([this, pc, retired] {
    retire(retired);
    epilogue();
    store_pc(pc);
    a_.mov_imm(rax, kExitFault);
    a_.ret();
  });
  fault_exits_.emplace(key, &l);
  return l;
}

Label& BaselineEmitter::fault_with(const ir::Op& op, std::uint64_t cause, std::uint64_t tval) {
  Label& exit = fault_exit(op);
  return cold_label([this, cause, tval, &exit] {
    a_.store64_imm(ctx(offsetof(JitContext, trap) + offsetof(Trap, cause)), static_cast<std::int32_t>(cause));
    a_.mov_imm(rax, tval);
    a_.store64(at(rsi, kTrapTval), rax);
    a_.jmp(exit);
  });
}

void BaselineEmitter::chain_indirect() {
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

void BaselineEmitter::note_target() {
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

// ---- memory -----------------------------------------------------------------
void BaselineEmitter::host_ptr(const ir::Op& op, unsigned size, std::uint8_t need) {
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
  if (const int w = take_window(); w >= 0) {
    // Region mode: the window's test inline, the full check cold; a pass
    // moves the window to the address's page.
    const std::int32_t lo = 16 * w, len = 16 * w + 8;
    Label& full = cold_label([this, size, need, lo, len, &slow, &join] {
      full_check(size, need, slow);
      a_.mov(rdx, rax);
      a_.alu_imm(Alu::kAnd, rdx, -4096);
      a_.store64(at(rsp, lo), rdx);
      a_.store64_imm(at(rsp, len), static_cast<std::int32_t>(4096 - size + 1));
      a_.alu(Alu::kAdd, rax, ctx(offsetof(JitContext, base)));
      a_.jmp(join);
    });
    a_.mov(rdx, rax);
    a_.alu(Alu::kSub, rdx, at(rsp, lo));
    a_.alu(Alu::kCmp, rdx, at(rsp, len));
    a_.jcc(kAboveEqual, full);
  } else {
    full_check(size, need, slow);
  }
  a_.alu(Alu::kAdd, rax, ctx(offsetof(JitContext, base)));
  a_.bind(join);
}

void BaselineEmitter::full_check(unsigned size, std::uint8_t need, Label& slow) {
  a_.alu(Alu::kCmp, rax, ctx(offsetof(JitContext, limit)));
  a_.jcc(kAboveEqual, slow);
  // Stores also require a page without translated code (fast_path_bits).
  const std::uint8_t bits = mem::fast_path_bits(need);
  a_.mov(rdx, rax);
  a_.shift_imm(Shift::kShr, rdx, 12, true);
  a_.load64(rcx, ctx(offsetof(JitContext, perms)));
  a_.load_u8(rcx, at_index(rcx, rdx, 0));
  a_.alu_imm(Alu::kAnd, rcx, bits, false);
  a_.alu_imm(Alu::kCmp, rcx, bits, false);
  a_.jcc(kNotEqual, slow);
  if (size > 1) {
    a_.mov32(rdx, rax);
    a_.alu_imm(Alu::kAnd, rdx, 0xfff, false);
    a_.alu_imm(Alu::kCmp, rdx, static_cast<std::int32_t>(4096 - size), false);
    a_.jcc(kAbove, slow);
  }
}

void BaselineEmitter::load(const ir::Op& op, unsigned size, Ext ext) {
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

void BaselineEmitter::store(const ir::Op& op, unsigned size) {
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
Reg BaselineEmitter::alu_op(const ir::Op& op, Alu alu, bool wide) {
  const bool rrr = ir::format_of(op.opcode) == ir::Format::RRR;
  const auto with_imm = [&](Reg d) {
    if (fits_i32(op.imm)) {
      a_.alu_imm(alu, d, static_cast<std::int32_t>(op.imm), wide);
    } else {
      a_.mov_imm(rcx, static_cast<std::uint64_t>(op.imm));
      wide ? a_.alu(alu, d, rcx) : a_.alu32(alu, d, rcx);
    }
  };
  if (alu == Alu::kCmp && pinned(op.src1)) {  // flags only: compare the pinned register itself
    rrr ? alu_src(alu, pin(op.src1), op.src2, wide) : with_imm(pin(op.src1));
    return rax;
  }
  if (alu != Alu::kCmp && pinned(op.dst)) {
    const Reg d = pin(op.dst);
    if (rrr && op.src2 == op.dst && op.src1 != op.dst) {
      if (alu != Alu::kSub) {  // commutative: d already holds src2
        alu_src(alu, d, op.src1, wide);
        return d;
      }
    } else {
      read(d, op.src1);
      rrr ? alu_src(alu, d, op.src2, wide) : with_imm(d);
      return d;
    }
  }
  if (rrr && alu != Alu::kSub && alu != Alu::kCmp && just_stored(op.src2, /*xmm=*/false)) {
    // Commutative: the previous op's result, still in a register, first.
    read(rax, op.src2);
    alu_src(alu, rax, op.src1, wide);
    return rax;
  }
  read(rax, op.src1);
  rrr ? alu_src(alu, rax, op.src2, wide) : with_imm(rax);
  return rax;
}

Reg BaselineEmitter::shift_op(const ir::Op& op, Shift s, bool wide) {
  const Reg d = pinned(op.dst) ? pin(op.dst) : rax;
  if (ir::format_of(op.opcode) == ir::Format::RRI) {
    read(d, op.src1);
    a_.shift_imm(s, d, static_cast<std::uint8_t>(op.imm & (wide ? 63 : 31)), wide);
  } else {
    read(rcx, op.src2);  // first: d may be src2's own register
    read(d, op.src1);    // x86 masks the count to 6 (5) bits, as RISC-V does
    a_.shift_cl(s, d, wide);
  }
  return d;
}

void BaselineEmitter::divide(const ir::Op& op, bool is_signed, bool remainder, bool wide) {
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

void BaselineEmitter::mul_high(const ir::Op& op, Opcode kind) {
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

void BaselineEmitter::emit_int(const ir::Op& op) {
  Reg result = rax;
  switch (op.opcode) {
    case Opcode::Add:
    case Opcode::AddI:
      result = alu_op(op, Alu::kAdd, true);
      break;
    case Opcode::Sub:
      result = alu_op(op, Alu::kSub, true);
      break;
    case Opcode::Xor:
    case Opcode::XorI:
      result = alu_op(op, Alu::kXor, true);
      break;
    case Opcode::Or:
    case Opcode::OrI:
      result = alu_op(op, Alu::kOr, true);
      break;
    case Opcode::And:
    case Opcode::AndI:
      result = alu_op(op, Alu::kAnd, true);
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
      result = shift_op(op, Shift::kShl, true);
      break;
    case Opcode::Srl:
    case Opcode::SrlI:
      result = shift_op(op, Shift::kShr, true);
      break;
    case Opcode::Sra:
    case Opcode::SraI:
      result = shift_op(op, Shift::kSar, true);
      break;
    case Opcode::AddW:
    case Opcode::AddIW:
      result = alu_op(op, Alu::kAdd, false);
      a_.movsxd(result, result);
      break;
    case Opcode::SubW:
      result = alu_op(op, Alu::kSub, false);
      a_.movsxd(result, result);
      break;
    case Opcode::SllW:
    case Opcode::SllIW:
      result = shift_op(op, Shift::kShl, false);
      a_.movsxd(result, result);
      break;
    case Opcode::SrlW:
    case Opcode::SrlIW:
      result = shift_op(op, Shift::kShr, false);
      a_.movsxd(result, result);
      break;
    case Opcode::SraW:
    case Opcode::SraIW:
      result = shift_op(op, Shift::kSar, false);
      a_.movsxd(result, result);
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
  write(op.dst, result);
}

// ---- helpers: AMO, CSR, FP ------------------------------------------------------
void BaselineEmitter::emit_amo(const ir::Op& op) {
  begin_call(8);  // [rsp]: *out
  read(rcx, op.src1);
  read(r8, op.src2);
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

// ---- terminators ------------------------------------------------------------------
void BaselineEmitter::emit_terminator(const ir::Op& op) {
  const std::uint64_t n = block_->guest_insn_count();
  switch (op.opcode) {
    case Opcode::Beq:
    case Opcode::Bne:
    case Opcode::Blt:
    case Opcode::Bge:
    case Opcode::Bltu:
    case Opcode::Bgeu: {
      retire(n);
      const Reg left = pinned(op.src1) ? pin(op.src1) : rax;
      read(left, op.src1);
      alu_src(Alu::kCmp, left, op.src2, true);
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
      go_to(block_->end_pc);
      a_.bind(taken);
      go_to(static_cast<std::uint64_t>(op.imm));
      return;
    }
    case Opcode::Jump:
      retire(n);
      go_to(static_cast<std::uint64_t>(op.imm));
      return;
    case Opcode::JumpR:
      address(op);
      a_.alu_imm(Alu::kAnd, rax, -2);
      a_.store64(at(rdi, kPc), rax);
      retire(n);
      if (region_) stay_for_seen_targets();
      if (options_.note_targets) note_target();
      epilogue();
      chain_indirect();
      return;
    case Opcode::Ecall:
      leave(block_->insn_pc(op.insn), op.insn + 1u, kExitEcall);
      return;
    case Opcode::FenceI:
      leave(block_->end_pc, op.insn + 1u, kExitFenceI);
      return;
    case Opcode::Ebreak: {
      const std::uint64_t pc = block_->insn_pc(op.insn);
      a_.jmp(fault_with(op, static_cast<std::uint64_t>(TrapCause::kBreakpoint), pc));
      return;
    }
    default:  // Trap
      a_.jmp(fault_with(op, op.aux, static_cast<std::uint64_t>(op.imm)));
      return;
  }
}

void BaselineEmitter::emit(const ir::Op& op) {
  if (ir::is_terminator(op.opcode)) return emit_terminator(op);
  switch (op.opcode) {
    case Opcode::LoadImm:
      if (op.dst == 0) return;
      if (pinned(op.dst)) {
        a_.mov_imm(pin(op.dst), static_cast<std::uint64_t>(op.imm));
      } else if (fits_i32(op.imm) && !fpinned(op.dst)) {
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

std::vector<std::uint8_t> compile_baseline(const cross_arch::ir::Block& block, CodeEntry* self, const SlotOf& slot_of,
                                           const BaselineOptions& options) {
  return BaselineEmitter(block, self, slot_of, options).run();
}

}  // namespace vm::engine::jit::x64
