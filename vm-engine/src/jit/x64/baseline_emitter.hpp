// The baseline tier's code emitter: one guest block to x86-64 machine code
// with the guest registers in the CpuState. Shared by baseline_compiler.cpp
// (integer, memory and control ops) and baseline_emit_fp.cpp (FP, fflags
// and other CSR ops); private to the JIT.
//
// Register use in generated code: rdi = CpuState*, rsi = JitContext* for the
// whole block (they are also the BlockFn arguments, so chaining is a plain
// jmp); rax, rcx, rdx, r8, r9 are scratch, and xmm0 for FP ops. The code
// has no frame: thunk calls push rdi/rsi around themselves and keep rsp
// 16-byte aligned. Region mode (baseline_region.cpp) adds pinned guest
// registers: integer ones in rbx, rbp, r10, r12-r15, instret in r11, FP
// ones in xmm4-xmm15.
#pragma once

#include <array>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <unordered_map>

#include "jit/region.hpp"
#include "jit/x64/assembler.hpp"
#include "jit/x64/baseline_compiler.hpp"
#include "vm/cross_arch/frontend.hpp"
#include "vm/cross_arch/riscv/fp.hpp"
#include "vm/mem/user_address_space.hpp"

namespace vm::engine::jit::x64 {

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
      : block_(&block), self_(self), slot_of_(slot_of), options_(options) {}
  // Region mode (baseline_region.cpp): the region's blocks in one function,
  // with its most used integer registers in host registers.
  BaselineEmitter(const Region& region, CodeEntry* self, const SlotOf& slot_of, const BaselineOptions& options)
      : block_(&region.blocks.front()), region_(&region), self_(self), slot_of_(slot_of), options_(options) {}

  std::vector<std::uint8_t> run();
  std::vector<std::uint8_t> run_region();

  // Region mode: the guest registers that may live in host registers,
  // x1-x31 and f0-f31 (slots below this).
  static constexpr std::size_t kPinnableSlots = cross_arch::ir::kFirstF + 32;

 private:
  struct Cold {
    Label* label;
    std::function<void()> emit;
    // The block it was asked for in: cold code may ask for more (a fault
    // exit at the op's pc), which belongs to that block, not the last one.
    const ir::Block* block;
    std::size_t block_index;
  };
  Label& new_label() { return labels_.emplace_back(); }
  // A label whose code `emit` writes after the block body.
  Label& cold_label(std::function<void()> emit) {
    Label& l = new_label();
    cold_.push_back({&l, std::move(emit), block_, block_index_});
    return l;
  }
  // After the body: the exit to the dispatcher, then the cold code (which
  // may add more cold code); the finished code.
  std::vector<std::uint8_t> finish();

  static Mem reg(ir::Slot s) { return at(rdi, off(offsetof(CpuState, regs) + 8u * s)); }
  Mem ctx(std::size_t o) { return at(rsi, off(o)); }
  // Region mode: the register holding guest register `s` for the whole
  // function (pins_), if any: a general-purpose one for x1-x31 (pinned),
  // an XMM one for f0-f31 (fpinned).
  static constexpr std::uint8_t kNoPin = 0xff;
  bool pinned(ir::Slot s) const { return s < cross_arch::ir::kFirstF && pins_[s] != kNoPin; }
  bool fpinned(ir::Slot s) const { return s >= cross_arch::ir::kFirstF && s < kPinnableSlots && pins_[s] != kNoPin; }
  Reg pin(ir::Slot s) const { return static_cast<Reg>(pins_[s]); }
  // Calls f(slot, register) for each pinned integer register or, with
  // `fp`, each pinned FP register.
  template <typename F>
  void for_each_pin(bool fp, F f) const {
    const ir::Slot first = fp ? cross_arch::ir::kFirstF : 1;
    const ir::Slot last = fp ? kPinnableSlots : cross_arch::ir::kFirstF;
    for (ir::Slot s = first; s < last; ++s)
      if (pins_[s] != kNoPin) f(s, pin(s));
  }
  // `op dst, s` with s from its host register or its CpuState slot.
  void alu_src(Alu op, Reg dst, ir::Slot s, bool wide) {
    if (pinned(s)) {
      wide ? a_.alu(op, dst, pin(s)) : a_.alu32(op, dst, pin(s));
    } else {
      wide ? a_.alu(op, dst, reg(s)) : a_.alu32(op, dst, reg(s));
    }
  }
  // regs[0] (x0) always holds zero, so sources are plain loads. A read
  // right after the write of the same register (an op consuming the
  // previous op's result, the common case in compiled code) takes the
  // value from the host register the write stored: a load from the
  // just-stored slot waits for store-to-load forwarding, ~5 cycles on every
  // link of a dependency chain. Writes still store (registers live in the
  // CpuState), so block code's exits need nothing; a region's pinned
  // registers are read and written in place, and its exits store them
  // (epilogue).
  void read(Reg r, ir::Slot s) {
    if (fpinned(s)) {
      a_.movq_from_xmm(r, pin(s));
      return;
    }
    if (pinned(s)) {
      if (r != pin(s)) a_.mov(r, pin(s));
      return;
    }
    if (just_stored(s, /*xmm=*/false)) {
      if (r != stored_.reg) a_.mov(r, stored_.reg);
      return;
    }
    a_.load64(r, reg(s));
  }
  void write(ir::Slot s, Reg r) {
    if (s == 0) return;
    if (fpinned(s)) {
      a_.movq_to_xmm(pin(s), r);
      stored_ = Stored{};
      return;
    }
    if (pinned(s)) {
      if (r != pin(s)) a_.mov(pin(s), r);
      stored_ = Stored{};
      return;
    }
    a_.store64(reg(s), r);
    stored_ = Stored{s, r, false, a_.size()};
  }
  // The same for a double in xmm register `x` (SSE ops).
  void read_double(Reg x, ir::Slot s) {
    if (fpinned(s)) {
      if (x != pin(s)) a_.movapd(x, pin(s));
      return;
    }
    if (just_stored(s, /*xmm=*/true) && x == stored_.reg) return;
    a_.movsd_load(x, reg(s));
  }
  void write_double(ir::Slot s, Reg x) {
    if (fpinned(s)) {
      if (x != pin(s)) a_.movapd(pin(s), x);
      stored_ = Stored{};
      return;
    }
    a_.movsd_store(reg(s), x);
    stored_ = Stored{s, x, true, a_.size()};
  }
  // x = x `o` s (add, sub, mul, div; sqrt: x = sqrt(s)), s from its XMM
  // register or its CpuState slot.
  void fp_arith(Opcode o, Reg x, ir::Slot s);
  // Flags from comparing x with s: ucomisd (quiet) or comisd.
  void fp_compare(bool quiet, Reg x, ir::Slot s);
  // At a join just bound, where every path in has stored slot `s` and
  // left its value in xmm register `x`.
  void stored_on_every_path(ir::Slot s, Reg x) { stored_ = Stored{s, x, true, a_.size(), true}; }
  // Whether the last instruction emitted stored slot `s` from a register of
  // that kind, and nothing jumps in between.
  bool just_stored(ir::Slot s, bool xmm) const {
    return stored_.end == a_.size() && stored_.slot == s && stored_.xmm == xmm && (!a_.at_join() || stored_.every_path);
  }
  void store_pc(std::uint64_t pc) {
    if (fits_i32(static_cast<std::int64_t>(pc))) {
      a_.store64_imm(at(rdi, kPc), static_cast<std::int32_t>(pc));
    } else {
      a_.mov_imm(rax, pc);
      a_.store64(at(rdi, kPc), rax);
    }
  }
  // Region mode keeps cpu.instret in kInstretReg inside the function (the
  // prologue loads it, the epilogue stores it); so exits retire before
  // their epilogue.
  static constexpr Reg kInstretReg = r11;
  void retire(std::uint64_t n) {
    if (n == 0) return;
    region_ ? a_.alu_imm(Alu::kAdd, kInstretReg, static_cast<std::int32_t>(n))
            : a_.alu_imm(Alu::kAdd, at(rdi, kInstret), static_cast<std::int32_t>(n));
  }
  // r = cpu.instret, inside the function.
  void load_instret(Reg r) { region_ ? a_.mov(r, kInstretReg) : a_.load64(r, at(rdi, kInstret)); }
  // rax = src1 + imm.
  void address(const ir::Op& op) {
    read(rax, op.src1);
    add_imm(rax, op.imm);
  }
  void add_imm(Reg r, std::int64_t imm);

  // ---- exits ------------------------------------------------------------------
  // Precise trap at the op's instruction: earlier ones retired, pc at it;
  // trap.cause and trap.tval are already filled.
  Label& fault_exit(const ir::Op& op);
  // Fills trap.cause/tval with constants and leaves through fault_exit.
  Label& fault_with(const ir::Op& op, std::uint64_t cause, std::uint64_t tval);
  void leave(std::uint64_t pc, std::uint64_t retired, ExitCode code) {
    retire(retired);
    epilogue();
    store_pc(pc);
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
  // Where a block's terminator goes on to `pc`: chain_to in block mode; in
  // region mode a jump to the region's block there (after a budget check)
  // or, outside the region, the epilogue and chain_to.
  void go_to(std::uint64_t pc);
  // Leaves the function (its epilogue) and chains to `pc`.
  void exit_to(std::uint64_t pc) {
    epilogue();
    chain_to(pc);
  }
  // Counts a run down in the entry slot's hot_countdown (BaselineOptions::
  // count_hot): at zero, on to `hot`.
  void count_down(Label& hot) {
    a_.mov_imm(rax, reinterpret_cast<std::uintptr_t>(self_));
    a_.alu_imm(Alu::kSub, at(rax, off(offsetof(CodeEntry, hot_countdown))), 1, /*wide=*/false);
    a_.jcc(kEqual, hot);
  }
  // Region mode, at an indirect jump (rax = the target): jumps to the
  // region's blocks among the targets the interpreter saw it go to, as the
  // LLVM tier's switch does (a dispatch loop, a return to a caller in the
  // region), so they stay in the function.
  void stay_for_seen_targets();
  // rax = the target pc, already in cpu.pc: probe the jump cache.
  void chain_indirect();
  // Calls the profile thunk when rax (the target) differs from the last one.
  void note_target();

  // ---- region mode -------------------------------------------------------------
  // Picks the pinned registers (pins_) by static use count.
  void plan_pins();
  // Region mode, around thunk calls (SysV saves no XMM register): the
  // FP pins go to their CpuState slots before, and come back after.
  void store_fp_pins() {
    for_each_pin(/*fp=*/true, [this](ir::Slot slot, Reg x) { a_.movsd_store(reg(slot), x); });
  }
  void load_fp_pins() {
    for_each_pin(/*fp=*/true, [this](ir::Slot slot, Reg x) { a_.movsd_load(x, reg(slot)); });
  }
  // Saves the callee-saved registers pins use, makes the page windows'
  // frame and loads the pinned slots and instret.
  void prologue();
  // Before every way out of a region: stores the pinned slots and instret,
  // drops the frame and restores the callee-saved registers (nothing in
  // block mode). Leaves rax, rcx, rdx alone.
  void epilogue();

  // ---- thunk calls --------------------------------------------------------------
  // Entry rsp is 8 mod 16. These save rdi/rsi and reserve `scratch` bytes
  // (8 mod 16, so calls are aligned) at [rsp]; end_call() undoes it.
  // In region mode they save r10 and r11 too, which hold a pinned register
  // and instret (two more pushes keep the alignment).
  void begin_call(std::int32_t scratch) {
    store_fp_pins();
    a_.push(rdi);
    a_.push(rsi);
    if (region_) {
      a_.push(r10);
      a_.push(r11);
    }
    a_.alu_imm(Alu::kSub, rsp, scratch);
  }
  void end_call(std::int32_t scratch) {
    a_.alu_imm(Alu::kAdd, rsp, scratch);
    if (region_) {
      a_.pop(r11);
      a_.pop(r10);
    }
    a_.pop(rsi);
    a_.pop(rdi);
    load_fp_pins();
  }
  template <typename Fn>
  void call(Fn* thunk) {
    a_.mov_imm(rax, reinterpret_cast<std::uintptr_t>(thunk));
    a_.call(rax);
  }

  // ---- memory -----------------------------------------------------------------
  // rax = host address of the access at src1 + imm, or leaves through the
  // fault exit; same checks as the LLVM tier's fast path.
  void host_ptr(const ir::Op& op, unsigned size, std::uint8_t need);
  // rax = a guest address: on to `slow` unless `size` bytes there may be
  // accessed for `need` in place (limit, permission table, page crossing).
  void full_check(unsigned size, std::uint8_t need, Label& slow);
  // Region mode: an access site's page window, as the LLVM tier's (see
  // RegionLowering::check_through_window), in the function's frame at
  // [rsp + 16 * w]: the first address and the length (0 until a full check
  // passes) of the addresses at which the site's bytes stay on a page that
  // passed. Sound for the same reason: nothing changes a page's permissions
  // or code while the function runs, and the frame is gone when it leaves.
  // The first kMaxWindows sites in emission order get one; -1 when none is
  // left (and in block mode). Each costs 16 bytes of frame and a store on
  // entry. 32 rather than 8 (interleaved, best of 5-9): --engine baseline
  // fp_nbody -10%, branchy -3.5%, memory -3%, alu_loop and int_mix the
  // same; tiered runs of 30-70 ms (whose hot loops run in baseline regions
  // for a large part): branchy -8%, fp_nbody -7%, memory -7%. 64 took
  // another 2.8% off --engine baseline fp_nbody only.
  static constexpr int kMaxWindows = 32;
  int take_window() { return windows_taken_ < windows_ ? windows_taken_++ : -1; }
  enum class Ext { kSigned, kZero, kNanBox };
  void load(const ir::Op& op, unsigned size, Ext ext);
  void store(const ir::Op& op, unsigned size);

  // ---- integer ------------------------------------------------------------------
  // `op` on src1 and src2 or the immediate; returns the register holding
  // the result: the destination's own in region mode when it is pinned
  // (two-address form, no moves through rax), else rax.
  Reg alu_op(const ir::Op& op, Alu alu, bool wide);
  Reg shift_op(const ir::Op& op, Shift s, bool wide);
  void set_if(const ir::Op& op, Cond c) {
    alu_op(op, Alu::kCmp, true);
    a_.setcc(c, rax);
    a_.movzx8(rax, rax);
  }
  // RISC-V division never traps: x/0 = -1, x%0 = x, MIN/-1 = MIN, MIN%-1 = 0.
  void divide(const ir::Op& op, bool is_signed, bool remainder, bool wide);
  void mul_high(const ir::Op& op, Opcode kind);
  void emit_int(const ir::Op& op);

  // ---- helpers: AMO, CSR, FP ------------------------------------------------------
  void emit_amo(const ir::Op& op);
  // Seven-argument thunks (CSR, FP) inside begin_call(24): the seventh, a
  // pointer to the result at [rsp + 8], goes on the stack.
  void pass_result_pointer();
  // After such a call: fault (illegal instruction) when it returned false,
  // else write its result.
  void collect_bool_result(const ir::Op& op);
  // The fflags CSR (frflags/fsflags around quiet comparisons) inline: fold
  // the flags pending in MXCSR into fcsr (as host_fp::fold_flags) without
  // a call. MXCSR goes through the red zone below rsp.
  //
  // glibc's quiet comparisons (`frflags t; flt.d/fle.d/feq.d; fsflags t`,
  // fp_nbody's inner loop has one around every sqrt) fold nothing, as in
  // the LLVM tier (RegionLowering::lower_fflags_inline): the frflags reads
  // fcsr's flags and MXCSR's, and keeps the MXCSR word in the red zone;
  // the fsflags puts it back, only if the comparison raised a flag. The
  // fold's ldmxcsr is slow (microcoded), and with the inexact flag pending
  // after almost every FP op the fold ran on every pass.
  void emit_fflags(const ir::Op& op);
  // ecx = the fflags bits of the MXCSR status flags in eax
  // (host_fp::fflags_from_mxcsr); clobbers rdx.
  void fflags_of_mxcsr();
  // When `op`, an fflags read, starts the quiet-comparison idiom in its
  // block (the comparison inline, so no call or push between the three
  // ops touches the red zone): the idiom's fsflags, else null.
  const ir::Op* quiet_compare_end(const ir::Op& op) const;
  void emit_csr(const ir::Op& op);
  // Every FP op but the common double-precision ones goes through the thunk
  // (the interpreter's code, any rounding mode), which fails only for a
  // reserved rounding mode.
  void emit_fp(const ir::Op& op);
  void emit_fp_call(const ir::Op& op);

  // For a dynamic rounding mode: when frm (fcsr bits 5..7) is not
  // round-to-nearest, the thunk runs the op (and faults for a reserved
  // frm), then code continues at `done`. Nothing in a region that assumes
  // round-to-nearest (assumes_nearest_).
  void call_unless_nearest(const ir::Op& op, Label& done);
  // Sets the flags: ZF clear when frm is not round-to-nearest (clobbers
  // eax).
  void test_rounding_not_nearest() {
    a_.load32(rax, at(rdi, off(offsetof(CpuState, fcsr))));
    a_.alu_imm(Alu::kAnd, rax, cross_arch::riscv::fp::kFcsrFrmMask, false);
  }
  // Region mode, after a CSR op that may have written frm: leave before
  // the next instruction unless the mode is still round-to-nearest.
  void recheck_rounding_after(const ir::Op& op);

  // Double-precision arithmetic, comparisons, sign injection, moves and
  // exact int32 conversions on the host's SSE unit, as the interpreter's
  // host_fp fast path does: round-to-nearest only (a dynamic rounding mode
  // is checked at run time, anything else calls the thunk), status flags
  // left pending in MXCSR, RISC-V's canonical NaN for NaN results.
  bool emit_fp_inline(const ir::Op& op);

  // ---- terminators ------------------------------------------------------------------
  void emit_terminator(const ir::Op& op);

  void emit(const ir::Op& op);

  const ir::Block* block_;                                  // the block being emitted
  const Region* region_ = nullptr;                          // region mode
  std::size_t block_index_ = 0;                             // of block_ in the region
  std::unordered_map<std::uint64_t, Label*> block_labels_;  // region mode: by start pc
  std::array<std::uint8_t, kPinnableSlots> pins_ = [] {     // host register per slot, or kNoPin
    std::array<std::uint8_t, kPinnableSlots> none{};
    none.fill(kNoPin);
    return none;
  }();
  Label start_;      // region mode: the function's first byte
  int windows_ = 0;  // region mode: page windows in the frame
  // Region mode: the region has dynamic-rounding FP ops, compiled for
  // round-to-nearest; the function checks frm on entry and after CSR ops
  // (see uses_dynamic_rounding) rather than before each op, as block code
  // does (a load, an and and a branch per op, which C code's FP ops all
  // have: rm = dyn). --engine baseline fp_nbody -8% (best of 7,
  // interleaved); tiered -8% on a 60000-step run, -1.7% on the full one
  // (best of 9); callgrind, --engine baseline: -13% host instructions.
  bool assumes_nearest_ = false;
  const ir::Op* restore_flags_at_ = nullptr;  // the quiet-comparison idiom's fsflags (emit_fflags)
  int windows_taken_ = 0;
  CodeEntry* self_;
  const SlotOf& slot_of_;
  BaselineOptions options_;
  Assembler a_;
  std::deque<Label> labels_;  // stable addresses for cold code and fixups
  std::deque<Cold> cold_;
  std::map<std::pair<std::size_t, unsigned>, Label*> fault_exits_;  // by block and guest instruction index
  struct Stored {
    ir::Slot slot = 0;
    Reg reg = rax;
    bool xmm = false;
    std::size_t end = SIZE_MAX;  // code size right after the store
    bool every_path = false;     // stored_on_every_path
  } stored_;
  Label to_dispatcher_;
};

}  // namespace vm::engine::jit::x64
