// The lowering of one region to LLVM IR, shared by lower.cpp (op dispatch,
// integer ops, terminators), lower_control.cpp (register data-flow, exits,
// branches), lower_memory.cpp (loads and stores) and lower_fp.cpp (floating
// point). Private to the JIT; see lower.hpp for the contract.
#pragma once

#include <algorithm>
#include <array>
#include <bitset>
#include <cstddef>
#include <optional>
#include <unordered_map>
#include <vector>

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/MDBuilder.h>

#include "jit/chain_stubs.hpp"
#include "jit/region.hpp"
#include "jit/runtime.hpp"
#include "vm/cross_arch/frontend.hpp"

namespace vm::engine::jit {

namespace ir = cross_arch::ir;
using cross_arch::TrapCause;
using ir::Opcode;

class RegionLowering {
 public:
  RegionLowering(const Region& region, llvm::Module& module, const ChainStubs& stubs)
      : region_(region), module_(module), stubs_(stubs), ctx_(module.getContext()), b_(ctx_), entry_b_(ctx_) {
    i8_ = b_.getInt8Ty();
    i32_ = b_.getInt32Ty();
    i64_ = b_.getInt64Ty();
    ptr_ = b_.getPtrTy();
    // Guest FP ops become constrained intrinsics: LLVM must neither drop,
    // fold nor move them, because the host's sticky MXCSR flags are the
    // guest's fflags (see interp/host_fp.hpp).
    b_.setIsFPConstrained(true);
    b_.setDefaultConstrainedExcept(llvm::fp::ebStrict);
    b_.setDefaultConstrainedRounding(llvm::RoundingMode::NearestTiesToEven);
  }

  llvm::Function* run(const std::string& name) {
    auto* type = llvm::FunctionType::get(i32_, {ptr_, ptr_}, false);
    fn_ = llvm::Function::Create(type, llvm::Function::ExternalLinkage, name, module_);
    fn_->addFnAttr(llvm::Attribute::NoUnwind);
    fn_->addFnAttr(llvm::Attribute::StrictFP);
    fn_->addParamAttr(0, llvm::Attribute::NoAlias);
    fn_->addParamAttr(1, llvm::Attribute::NoAlias);
    cpu_ = fn_->getArg(0);
    jctx_ = fn_->getArg(1);
    auto* entry = llvm::BasicBlock::Create(ctx_, "entry", fn_);
    b_.SetInsertPoint(entry);
    out_ = b_.CreateAlloca(i64_, nullptr, "out");
    icount_ = b_.CreateAlloca(i64_, nullptr, "instret");
    stop_at_ = b_.CreateAlloca(i64_, nullptr, "stop_at");
    reload_stop_at();
    base_ = load64(field(jctx_, offsetof(JitContext, base)), ptr_);
    perms_ = load64(field(jctx_, offsetof(JitContext, perms)), ptr_);
    limit_ = load64(field(jctx_, offsetof(JitContext, limit)), i64_);
    b_.CreateStore(load64(field(cpu_, offsetof(CpuState, instret)), i64_), icount_);
    for (std::size_t i = 0; i < region_.blocks.size(); ++i) {
      labels_.push_back(llvm::BasicBlock::Create(ctx_, "guest", fn_));
      index_of_.emplace(region_.blocks[i].start_pc, i);
    }
    compute_dirty_on_entry();
    region_entry_ = llvm::BasicBlock::Create(ctx_, "region_entry", fn_);
    // Register slots are created on first use, in the entry block, before
    // its terminator.
    entry_b_.SetInsertPoint(enter_if_rounding_is_nearest());
    b_.SetInsertPoint(region_entry_);
    check_assumptions();
    dirty_.reset();
    pending_.reset();
    enter(0, b_.CreateLoad(i64_, icount_));
    for (std::size_t i = 0; i < region_.blocks.size(); ++i) {
      block_ = &region_.blocks[i];
      block_index_ = i;
      b_.SetInsertPoint(labels_[i]);
      block_instret_ = b_.CreateLoad(i64_, icount_);
      dirty_ = dirty_on_entry_[i];
      pending_ = pending_on_entry_[i];
      fflags_copy_ = {};
      if (budget_check_[i]) check_budget_on_entry();
      plan_access_groups();
      for (const ir::Op& op : block_->ops) {
        op_index_ = static_cast<std::size_t>(&op - block_->ops.data());
        lower(op);
      }
      emit_slow_exits();
    }
    return fn_;
  }

 private:
  // ---- state ---------------------------------------------------------------
  llvm::Value* field(llvm::Value* base, std::size_t offset) { return b_.CreateConstInBoundsGEP1_64(i8_, base, offset); }
  llvm::Value* load64(llvm::Value* p, llvm::Type* t) { return b_.CreateLoad(t, p); }
  llvm::Value* c64(std::uint64_t v) { return b_.getInt64(v); }

  llvm::Value* reg_ptr(unsigned s) { return field(cpu_, offsetof(CpuState, regs) + 8u * s); }
  // The alloca holding slot `s`; a guest register's is loaded from the
  // CpuState on entry. Temporaries are written before they are read.
  //
  // FP registers' slots hold doubles, integer views being bitcasts, so
  // after mem2reg the phis carrying FP registers are doubles. fp_nbody's
  // generated code is 2.7% shorter than with i64 slots (callgrind,
  // --engine jit), its hot region's listing 4% (llc), compile work the
  // same.
  static bool is_fp_slot(ir::Slot s) { return s >= ir::kFirstF && s < ir::kFirstF + 32; }
  llvm::Type* slot_type(ir::Slot s) { return is_fp_slot(s) ? b_.getDoubleTy() : i64_; }
  llvm::Value* slot(ir::Slot s) {
    if (!slots_[s]) {
      slots_[s] = entry_b_.CreateAlloca(slot_type(s));
      if (s < ir::kFirstTemp) {
        llvm::Value* p = entry_b_.CreateConstInBoundsGEP1_64(i8_, cpu_, offsetof(CpuState, regs) + 8u * s);
        entry_b_.CreateStore(entry_b_.CreateLoad(slot_type(s), p), slots_[s]);
      }
    }
    return slots_[s];
  }
  // A slot's value as the guest sees it: a NaN left pending by an SSE op
  // becomes RISC-V's canonical NaN here.
  llvm::Value* read(ir::Slot s) {
    llvm::Value* v = read_raw(s);
    return pending_.test(s) ? canonical_nan(v) : v;
  }
  // For consumers whose result does not depend on a NaN's bits.
  llvm::Value* read_raw(ir::Slot s) {
    if (s == 0) return c64(0);
    if (assumed_[s]) return c64(*assumed_[s]);  // checked on entry, written nowhere in the region
    llvm::Value* v = b_.CreateLoad(slot_type(s), slot(s));
    return is_fp_slot(s) ? b_.CreateBitCast(v, i64_) : v;
  }
  void write(ir::Slot s, llvm::Value* v) {
    if (s == 0) return;
    b_.CreateStore(is_fp_slot(s) ? b_.CreateBitCast(v, b_.getDoubleTy()) : v, slot(s));
    version_[s] = ++next_version_;
    dirty_.set(s);
    pending_.reset(s);
    if (s == fflags_copy_.slot) fflags_copy_ = {};
  }
  // ---- deferred NaN canonicalisation ----------------------------------------
  // RISC-V gives every NaN result one canonical bit pattern; SSE propagates
  // an operand's payload or returns its own default NaN. Canonicalising
  // after every op (a compare and a select, i.e. a branch: six x86
  // instructions) was most of fp_nbody's generated code. A double result
  // is instead written raw and marked pending; only what observes a NaN's
  // bits canonicalises it: read() (stores, moves to integer registers, sign
  // injection, helper calls) and the write-back at exits and syncs' exits.
  // A value stays pending across the region's internal edges
  // (compute_dirty_on_entry propagates the state). Arithmetic and
  // comparisons read the raw value: a NaN operand yields a NaN, an SSE NaN
  // is quiet like the canonical one, so results and flags are the same.
  static bool leaves_nan_pending(const ir::Op& op);  // lower_fp.cpp
  void write_pending(ir::Slot s, llvm::Value* v) {
    write(s, v);
    if (s != 0) pending_.set(s);
  }
  llvm::Value* canonical_nan(llvm::Value* bits) { return from_double(as_double(bits)); }
  // Which registers may differ from the CpuState, and which may hold a
  // pending NaN, when each region block starts: a forward data-flow over
  // the region's internal edges that replays what lowering does to dirty_
  // and pending_. Exits then write back only the dirty registers (exits
  // are many, every memory access has one, and their stores are most of a
  // region's code), and a value may stay pending from one block to the
  // next (a loop's FP values are canonicalised where stored, not on every
  // iteration).
  void compute_dirty_on_entry();
  // loop_insns_: each block's shortest cycle through the region.
  void measure_cycles(const std::vector<std::vector<std::size_t>>& successors);
  // In blocks that write many registers, ops that may fault first store
  // the registers written since the last such point (TCG syncs its globals
  // the same way), so their fault exits store nothing but pc and instret:
  // exits were half of a region's IR and most of its register allocator's
  // work. Blocks that write few registers (tight copy loops) keep them in
  // host registers, their exits being small anyway.
  static constexpr std::size_t kSyncMinWrites = 4;
  // In loops the syncing stores run on every iteration while exits are
  // rare, so only blocks that write more registers than this sync:
  // engine/jit_vs_interp/hot_loop (5 registers, a load and a store per
  // iteration) ran 17% faster than at 4, memory's generated code is 3%
  // shorter (callgrind), for 2% more compile work.
  static constexpr std::size_t kLoopSyncMinWrites = 8;
  static bool may_fault(const ir::Op& op) {
    const ir::Format f = ir::format_of(op.opcode);
    return f == ir::Format::LOAD || f == ir::Format::STORE || f == ir::Format::AMO || f == ir::Format::CSR;
  }
  bool syncs_before(const ir::Op& op) const { return syncing_block_[block_index_] && may_fault(op); }
  // Pending NaN-carrying values stay dirty: their exits store them (see
  // write_back), which costs nothing on the hot path.
  void sync() {
    for (unsigned s = 1; s < ir::kFirstTemp; ++s)
      if (dirty_.test(s) && !pending_.test(s)) b_.CreateStore(read(static_cast<ir::Slot>(s)), reg_ptr(s));
    dirty_ &= pending_;
  }
  // Registers written on some path to here go back to the CpuState;
  // temporaries die inside the region.
  // An exit that returns to the engine stores pending values raw and lists
  // them in raw_nan_slots for the engine to canonicalise: a compare and a
  // select per pending register on each of a region's many exits doubled
  // fp_nbody's code and its compile time. An exit that may chain into
  // other compiled code canonicalises them itself.
  void write_back(bool engine_canonicalises = false) {
    store_registers(dirty_, engine_canonicalises);
    if (engine_canonicalises) store_raw_nan_slots(dirty_ & pending_);
  }
  // Stores the guest registers in `which`, pending ones raw when the
  // engine canonicalises them (store_raw_nan_slots lists them).
  void store_registers(const std::bitset<ir::kNumSlots>& which, bool engine_canonicalises) {
    for (unsigned s = 1; s < ir::kFirstTemp; ++s) {
      if (!which.test(s)) continue;
      const bool leave_raw = engine_canonicalises && pending_.test(s);
      b_.CreateStore(leave_raw ? read_raw(static_cast<ir::Slot>(s)) : read(static_cast<ir::Slot>(s)), reg_ptr(s));
    }
  }
  // JitContext::raw_nan_slots for an exit that stored the registers in
  // `raw` raw; nothing when there are none.
  void store_raw_nan_slots(const std::bitset<ir::kNumSlots>& raw) {
    std::uint64_t bits = 0;
    for (unsigned s = 1; s < ir::kFirstTemp; ++s)
      if (raw.test(s)) bits |= std::uint64_t{1} << s;
    if (bits != 0) b_.CreateStore(c64(bits), field(jctx_, offsetof(JitContext, raw_nan_slots)));
  }
  void store_exit_state(llvm::Value* pc, llvm::Value* instret, bool engine_canonicalises = false) {
    write_back(engine_canonicalises);
    b_.CreateStore(pc, field(cpu_, offsetof(CpuState, pc)));
    b_.CreateStore(instret, field(cpu_, offsetof(CpuState, instret)));
  }
  void leave(llvm::Value* pc, llvm::Value* instret, ExitCode code) {
    store_exit_state(pc, instret, /*engine_canonicalises=*/true);
    b_.CreateRet(b_.getInt32(code));
  }
  llvm::Value* retired(std::uint64_t n) { return b_.CreateAdd(block_instret_, c64(n)); }
  // Precise trap at `op`: earlier instructions retired, pc at this one (the
  // engine takes trap.pc from cpu.pc).
  void leave_fault(const ir::Op& op, llvm::Value* cause, llvm::Value* tval) {
    const std::size_t trap = offsetof(JitContext, trap);
    b_.CreateStore(cause, field(jctx_, trap + offsetof(Trap, cause)));
    b_.CreateStore(tval, field(jctx_, trap + offsetof(Trap, tval)));
    leave_faulted(op);
  }
  // As leave_fault, when a thunk already filled trap.cause and trap.tval.
  void leave_faulted(const ir::Op& op) { leave(c64(block_->insn_pc(op.insn)), retired(op.insn), kExitFault); }

  // ---- control transfer ----------------------------------------------------
  // True (and the caller should stop) once the run's instruction budget is
  // spent or the engine asked running code to return.
  llvm::Value* budget_spent(llvm::Value* instret) { return b_.CreateICmpUGE(instret, b_.CreateLoad(i64_, stop_at_)); }
  // JitContext::stop_at, read on entry and after every thunk call: only
  // thunks lower it while a region runs (a store to a page holding
  // translated code, see thunks.cpp; the engine itself changes it between
  // runs, on the same thread). So the budget check of a loop compares two
  // registers rather than loading from the context on every iteration.
  void reload_stop_at() { b_.CreateStore(load64(field(jctx_, offsetof(JitContext, stop_at)), i64_), stop_at_); }
  // State is stored; goes on through `stub` (a ChainStubs routine): a
  // branch to the region's one block that tail-calls the stub its
  // predecessor picked.
  void tail_call_stub(std::uintptr_t stub);
  // Leaves the region for a pc known at compile time.
  void chain_to(std::uint64_t pc, llvm::Value* instret);
  // Leaves the region for a computed pc: probe the dispatcher's jump cache.
  void chain_indirect(llvm::Value* pc, llvm::Value* instret);
  // An indirect jump: a switch over the targets the interpreter saw that
  // are region blocks, so a dispatch loop or a return stays in the region
  // with its registers in host registers; any other target leaves through
  // the jump cache.
  void go_to_computed(llvm::Value* pc, llvm::Value* instret);
  // Control reaches `pc` having retired `instret`: a branch inside the
  // region, or a chained exit.
  void go_to(std::uint64_t pc, llvm::Value* instret) {
    auto it = index_of_.find(pc);
    if (it == index_of_.end()) return chain_to(pc, instret);
    b_.CreateStore(instret, icount_);
    enter(it->second, instret);
  }
  // Branches to region block j. A slot pending there but not here holds a
  // value that canonicalising must leave unchanged: a NaN other than the
  // canonical one (from memory or the entry state, never from an op the
  // region ran) makes the region leave for the interpreter instead. Tests
  // on the bits: an FP compare would raise NV for a signalling NaN.
  std::bitset<ir::kNumSlots> unchecked_on_entry(std::size_t j) const { return pending_on_entry_[j] & ~pending_; }
  void enter(std::size_t j, llvm::Value* instret);
  // Which blocks check the budget on entry: every loop header (so a loop
  // returns promptly), every block after an AMO (whose thunk may lower
  // stop_at), and any block a path could reach more than
  // kMaxUncheckedInsns after the last check. The region's entry needs none:
  // the dispatcher and chaining exits checked before entering it. Compared
  // with a check on every block reached by a branch, this removes the
  // checks from the joins inside loop bodies (an interpreter's dispatch
  // loop had one per case).
  void plan_budget_checks(const std::vector<std::vector<std::size_t>>& successors);
  void check_budget_on_entry() {
    auto* stop = llvm::BasicBlock::Create(ctx_, "budget_spent", fn_);
    auto* run = llvm::BasicBlock::Create(ctx_, "run", fn_);
    b_.CreateCondBr(budget_spent(block_instret_), stop, run, unlikely());
    b_.SetInsertPoint(stop);
    leave(c64(block_->start_pc), block_instret_, kExitNext);
    b_.SetInsertPoint(run);
  }
  // Emits `if (!ok) fault` and continues on the ok path.
  void fault_unless(llvm::Value* ok, const ir::Op& op, llvm::Value* cause, llvm::Value* tval) {
    auto* good = llvm::BasicBlock::Create(ctx_, "ok", fn_);
    auto* bad = llvm::BasicBlock::Create(ctx_, "fault", fn_);
    b_.CreateCondBr(ok, good, bad, likely());
    b_.SetInsertPoint(bad);
    leave_fault(op, cause, tval);
    b_.SetInsertPoint(good);
  }
  llvm::MDNode* likely() { return llvm::MDBuilder(ctx_).createBranchWeights(2000, 1); }
  llvm::MDNode* unlikely() { return llvm::MDBuilder(ctx_).createBranchWeights(1, 2000); }

  template <typename Fn>
  llvm::CallInst* call(Fn thunk, std::initializer_list<llvm::Value*> args) {
    std::vector<llvm::Type*> types;
    for (llvm::Value* a : args) types.push_back(a->getType());
    llvm::Type* ret = ret_type_of(thunk);
    auto* type = llvm::FunctionType::get(ret, types, false);
    llvm::Value* callee = b_.CreateIntToPtr(c64(reinterpret_cast<std::uintptr_t>(thunk)), ptr_);
    llvm::CallInst* call = b_.CreateCall(type, callee, std::vector<llvm::Value*>(args));
    call->addFnAttr(llvm::Attribute::NoUnwind);
    fflags_copy_ = {};  // thunks may fold MXCSR into fcsr
    reload_stop_at();
    return call;
  }
  template <typename... A>
  llvm::Type* ret_type_of(std::uint8_t* (*)(A...) noexcept) {
    return ptr_;
  }
  template <typename... A>
  llvm::Type* ret_type_of(std::uint64_t (*)(A...) noexcept) {
    return i64_;
  }
  template <typename... A>
  llvm::Type* ret_type_of(bool (*)(A...) noexcept) {
    return b_.getInt1Ty();
  }

  // ---- dynamic rounding mode (see uses_dynamic_rounding) ----------------------
  llvm::Value* rounding_not_nearest() {
    llvm::Value* fcsr = b_.CreateLoad(i32_, field(cpu_, offsetof(CpuState, fcsr)));
    return b_.CreateICmpNE(b_.CreateAnd(fcsr, b_.getInt32(cross_arch::riscv::fp::kFcsrFrmMask)), b_.getInt32(0));
  }
  // Ends the entry block; returns its terminator.
  llvm::Instruction* enter_if_rounding_is_nearest() {
    assumes_nearest_ = uses_dynamic_rounding(region_);
    if (!assumes_nearest_) return b_.CreateBr(region_entry_);
    auto* other = llvm::BasicBlock::Create(ctx_, "rounding_not_nearest", fn_);
    auto* go = llvm::BasicBlock::Create(ctx_, "start", fn_);
    llvm::Instruction* branch = b_.CreateCondBr(rounding_not_nearest(), other, go, unlikely());
    b_.SetInsertPoint(other);
    b_.CreateRet(b_.getInt32(kExitInterpret));
    b_.SetInsertPoint(go);
    b_.CreateBr(region_entry_);
    return branch;
  }
  // Region::assumed: each register holds its value, or the region returns
  // before running anything. The values then stand for every read.
  void check_assumptions() {
    for (const auto& [s, value] : region_.assumed) {
      auto* broken = llvm::BasicBlock::Create(ctx_, "assumption_broken", fn_);
      auto* holds = llvm::BasicBlock::Create(ctx_, "assumption_holds", fn_);
      b_.CreateCondBr(b_.CreateICmpNE(load64(reg_ptr(s), i64_), c64(value)), broken, holds, unlikely());
      b_.SetInsertPoint(broken);
      b_.CreateRet(b_.getInt32(kExitAssumptionFailed));
      b_.SetInsertPoint(holds);
      assumed_[s] = value;
    }
  }
  // After a CSR op that may have changed frm: leave before the next
  // instruction unless the mode is still round-to-nearest.
  void recheck_rounding_after(const ir::Op& op) {
    if (!assumes_nearest_) return;
    auto* other = llvm::BasicBlock::Create(ctx_, "rounding_changed", fn_);
    auto* go = llvm::BasicBlock::Create(ctx_, "ok", fn_);
    b_.CreateCondBr(rounding_not_nearest(), other, go, unlikely());
    b_.SetInsertPoint(other);
    const std::size_t next = op.insn + 1u;
    leave(c64(next < block_->guest_insn_count() ? block_->insn_pc(next) : block_->end_pc), retired(next), kExitNext);
    b_.SetInsertPoint(go);
  }

  // ---- floating point (lower_fp.cpp) ----------------------------------------
  bool lower_fp_inline(const ir::Op& op);
  bool lower_fflags_inline(const ir::Op& op);
  llvm::Value* fold_pending_flags();
  llvm::Value* read_mxcsr();
  void write_mxcsr(llvm::Value* value);
  llvm::Value* fflags_of_mxcsr(llvm::Value* mxcsr);
  // The register an frflags of the current block wrote and the MXCSR word
  // it read, while fcsr and that register stay untouched.
  struct FflagsCopy {
    ir::Slot slot = 0;
    llvm::Value* mxcsr = nullptr;
  };
  FflagsCopy fflags_copy_;
  llvm::Value* as_double(llvm::Value* bits) { return b_.CreateBitCast(bits, b_.getDoubleTy()); }
  llvm::Value* as_single(llvm::Value* bits);
  llvm::Value* is_nan_double(llvm::Value* bits);
  llvm::Value* from_double(llvm::Value* d);
  llvm::Value* from_single(llvm::Value* f);
  llvm::Value* fp_intrinsic(llvm::Intrinsic::ID id, llvm::Type* t, std::initializer_list<llvm::Value*> args);

  // ---- memory --------------------------------------------------------------
  // The fast path: the address is below the limit, its page allows the
  // access, and the access does not cross into the next page. An access
  // the fast path refuses leaves the region before it (kExitSlowAccess)
  // and the engine interprets it, which also raises its fault, so regions
  // make no call on their memory paths. Calling a slow-path thunk inside
  // the region instead made the register allocator split every value live
  // across an access (spills in hot loops): without the calls the guest
  // workloads' generated code is 4-9% shorter (callgrind; alu_loop
  // unchanged). Refusals are
  // rare: a page boundary, a store to a page holding translated code, a
  // fault; an exit and the interpreted block cost about 50 ns (memory's
  // 95k exits, when groups still left on a failed shared check, were 1% of
  // its perf samples).
  //
  // Two branches: one on the limit (the permission table ends there), one
  // on an integer that is zero when the page allows the access and it
  // stays within the page. No i1 logic: the cleanup passes fold i1
  // and/or/phi into selects, which FastISel hands to SelectionDAG (more
  // compile time) or materialises as setcc chains (slower code: int_mix's
  // sieve loop ran 13% slower that way). A one-branch form with the index
  // clamped by a select compiled slower still; one with the page number
  // masked into the table (the limit is 2^va_bits) and the limit test,
  // permission and page crossing or-ed into one i64, also for lone
  // accesses: LLVM's work +1-2% and generated code +0.2 to +11% (branchy)
  // on the five workloads (callgrind, --engine jit). That masked form in
  // loop regions only cut branchy's largest tiered module from 128 blocks
  // to 85 but LLVM's work on it by 7% (llc, callgrind), and on the
  // workloads' tiered modules by -2 to +3%: a loop region's code
  // generation costs in proportion to its instructions and live values,
  // not its blocks.
  // Continues where the access may go ahead.
  void branch_unless_fast(llvm::Value* addr, unsigned size, std::uint8_t need, llvm::BasicBlock* refused);
  // One access's check: the page-crossing test only for a misaligned
  // address (an aligned access cannot cross), in a cold block.
  void branch_unless_fast_alone(llvm::Value* addr, unsigned size, std::uint8_t need, llvm::BasicBlock* refused);
  // An access group's check when the shared one failed: [lo, lo + span),
  // span at most kGroupSpan, lies on at most two pages, and guest memory is
  // one host range, so the members may go ahead when both pages allow every
  // member's access (the group's `need`).
  void branch_unless_both_pages_allow(llvm::Value* lo, unsigned span, std::uint8_t need, llvm::BasicBlock* refused);
  llvm::Value* perm_refuses(llvm::Value* addr, std::uint8_t need);  // i8, zero when allowed
  llvm::Value* crosses_page(llvm::Value* addr, unsigned size);      // i64, 1 when it does
  void leave_unless_fast(const ir::Op& op, llvm::Value* addr, unsigned size, std::uint8_t need) {
    auto* refused = slow_exit_before(op);
    branch_unless_fast_alone(addr, size, need, refused);
  }
  // A block that leaves the region with the state from before `op` (see
  // SlowExit).
  llvm::BasicBlock* slow_exit_before(const ir::Op& op) {
    auto* refused = llvm::BasicBlock::Create(ctx_, "slow_access", fn_);
    slow_exits_.push_back(SlowExit{refused, block_->insn_pc(op.insn), retired(op.insn), dirty_, pending_, version_});
    return refused;
  }
  // Slow-access exits are a region's most numerous (one per access) and
  // were a third of its IR: each stored every dirty register. Those of one
  // block are emitted when the block is done, in runs that share one tail
  // storing the registers they have in common (same value: no write in
  // between, so after mem2reg the same SSA value), each exit storing only
  // the rest, its pc and instret.
  struct SlowExit {
    llvm::BasicBlock* at;
    std::uint64_t pc;
    llvm::Value* instret;
    std::bitset<ir::kNumSlots> dirty, pending;
    std::array<std::uint32_t, ir::kNumSlots> version;
  };
  void emit_slow_exits();
  // Accesses of one block off the same base register, with the register
  // unchanged between them and their offsets within kGroupSpan bytes
  // (fields of one struct, an unrolled copy loop, a stack frame), share one
  // fast-path check made at the first of them; the others cost nothing.
  // When the shared check fails (the range straddles a page boundary),
  // a cold path checks both pages (branch_unless_both_pages_allow), and
  // the region leaves before the first member when either refuses (the
  // interpreter then runs the members in order up to the refused one).
  // Before, the members after the first each tested the shared check's
  // result again, so that a refused member could leave on its own: in
  // memset's loop (eight stores sharing one check) that was seven
  // test-and-branch pairs per iteration. Without them (interleaved best of
  // 5): memory -9%, fp_nbody -5%, branchy -1%; compile time -10%. The cold
  // path then checked every member alone, in four blocks each; most of a
  // straight-line region's blocks were these. The two-page check instead
  // took jit_compile's 200-instruction program from 172 blocks and 1200
  // IR instructions to 66 and 896, with no block left to SelectionDAG
  // (FastISel declined 11 selects SimplifyCFG had made of misaligned
  // checks): its compile time -36%, small's and large's -20% (interleaved
  // best of 5, shared 2-core VM). Its one imprecision: a group whose
  // stores are all on one page and loads from a read-only (or code) page
  // next to it leaves every time, where the per-member checks passed.
  static constexpr std::int64_t kGroupSpan = 128;
  struct AccessGroup {
    std::int64_t lo = 0, hi = 0;  // offsets from the base register: [lo, hi)
    std::uint8_t need = 0;
    std::size_t first = 0;  // op index of the first member
    unsigned members = 0;
  };
  static unsigned access_size(Opcode o);
  static std::uint8_t access_need(Opcode o) {  // of a load or store
    return ir::format_of(o) == ir::Format::LOAD ? mem::kPermRead : mem::kPermWrite;
  }
  void plan_access_groups();
  // ---- page windows ----------------------------------------------------------
  // In a loop, an access (or an access group's shared check) remembers the
  // page its full check last passed: while it stays on that page the check
  // is one subtract and compare, where the full one (bounds, permission
  // table, page crossing) took up to three branches (byte loops like
  // memory's and int_mix's sieve ran 5-6 check instructions per access).
  // Sound because nothing changes a page's permissions while a region
  // runs: the guest is single-threaded (clone is unsupported), an ecall or
  // fence.i leaves the region, no thunk a region calls maps, protects or
  // translates memory, and a window lives in the region's registers, so it
  // is gone when the region returns. Each window is two loop-carried values
  // (a window of length 0 never matches, whatever the address), so only
  // accesses in tight loops get one: blocks whose shortest cycle runs at
  // most kWindowMaxInsns guest instructions, at most kMaxWindows per region
  // in program order. Measured on the shared 2-core VM (interleaved best of
  // 5): memory -12%, int_mix -5%, fp_nbody -4%, branchy unchanged (its
  // compile time +13%: its dispatch loop's cases are short cycles; memory
  // +1%, fp_nbody +6%). Windows for every access in a loop gained nothing
  // more: branchy's and fp_nbody's big loops hold 25-75 accesses, and their
  // windows spill.
  //
  // A window's miss path stays inline. As one call to a shared routine
  // (preserve_most, so the loop's registers survive it) it cut LLVM's work
  // for jit_compile/loop's regions by 8-27%, but only 0-14% for the
  // tiered workloads' real modules, and branchy ran 13-28% slower: its
  // windows missed over 16 M times a run, and every miss became a call.
  // Calling only for the rare two-page case saved 6-11% on those small
  // loops and cost more on the workloads' modules. (LLVM 16 also restores
  // rax and rdx after setting a preserve_most function's return value:
  // llvm/llvm-project#48789.)
  static constexpr std::size_t kMaxWindows = 8;
  static constexpr std::size_t kWindowMaxInsns = 64;
  // Whether the current access may have a window: in a block on a short
  // cycle, while windows are left.
  bool wants_window() const { return loop_insns_[block_index_] <= kWindowMaxInsns && windows_ < kMaxWindows; }
  // Emits the window test for an access of `span` bytes at `addr`; on a
  // miss, `full_check` emits the usual checks (leaving the insert point
  // where they pass) and the window moves to addr's page. Returns with the
  // insert point where the access may go ahead.
  void check_through_window(llvm::Value* addr, unsigned span, llvm::function_ref<void()> full_check);
  llvm::Value* host_ptr(const ir::Op& op, llvm::Value* addr, unsigned size, std::uint8_t need);
  llvm::Value* address(const ir::Op& op) {
    return b_.CreateAdd(read(op.src1), c64(static_cast<std::uint64_t>(op.imm)));
  }

  void load(const ir::Op& op, llvm::Type* t, bool is_signed, bool nan_box = false) {
    const unsigned size = t->getPrimitiveSizeInBits() / 8;
    llvm::Value* p = host_ptr(op, address(op), size, mem::kPermRead);
    llvm::LoadInst* v = b_.CreateAlignedLoad(t, p, llvm::Align(1));
    llvm::Value* r = is_signed ? b_.CreateSExt(v, i64_) : b_.CreateZExt(v, i64_);
    if (nan_box) r = b_.CreateOr(r, c64(0xffffffff00000000ull));
    write(op.dst, r);
  }
  void store(const ir::Op& op, llvm::Type* t) {
    const unsigned size = t->getPrimitiveSizeInBits() / 8;
    llvm::Value* p = host_ptr(op, address(op), size, mem::kPermWrite);
    b_.CreateAlignedStore(b_.CreateTrunc(read(op.src2), t), p, llvm::Align(1));
  }

  // ---- integer helpers -----------------------------------------------------
  llvm::Value* sext32(llvm::Value* v) { return b_.CreateSExt(b_.CreateTrunc(v, i32_), i64_); }
  llvm::Value* bool64(llvm::Value* c) { return b_.CreateZExt(c, i64_); }
  llvm::Value* lo32(llvm::Value* v) { return b_.CreateTrunc(v, i32_); }
  llvm::Value* mul_high(llvm::Value* a, llvm::Value* b, bool a_signed, bool b_signed) {
    llvm::Type* i128 = b_.getInt128Ty();
    llvm::Value* wa = a_signed ? b_.CreateSExt(a, i128) : b_.CreateZExt(a, i128);
    llvm::Value* wb = b_signed ? b_.CreateSExt(b, i128) : b_.CreateZExt(b, i128);
    return b_.CreateTrunc(b_.CreateLShr(b_.CreateMul(wa, wb), 64), i64_);
  }
  // RISC-V division: x/0 = all ones, x%0 = x; MIN/-1 = MIN, MIN%-1 = 0. A
  // divisor of 1 stands in for both special cases so LLVM never sees UB.
  llvm::Value* divide(llvm::Value* a, llvm::Value* b, bool is_signed, bool remainder) {
    llvm::Type* t = a->getType();
    llvm::Value* zero = llvm::ConstantInt::get(t, 0);
    llvm::Value* one = llvm::ConstantInt::get(t, 1);
    llvm::Value* by_zero = b_.CreateICmpEQ(b, zero);
    llvm::Value* bad = by_zero;
    if (is_signed) {
      const unsigned bits = t->getIntegerBitWidth();
      llvm::Value* min = llvm::ConstantInt::get(t, llvm::APInt::getSignedMinValue(bits));
      llvm::Value* overflow =
          b_.CreateAnd(b_.CreateICmpEQ(a, min), b_.CreateICmpEQ(b, llvm::ConstantInt::getSigned(t, -1)));
      bad = b_.CreateOr(by_zero, overflow);
    }
    llvm::Value* safe = b_.CreateSelect(bad, one, b);
    llvm::Value* r;
    if (remainder)
      r = is_signed ? b_.CreateSRem(a, safe) : b_.CreateURem(a, safe);
    else
      r = is_signed ? b_.CreateSDiv(a, safe) : b_.CreateUDiv(a, safe);
    return b_.CreateSelect(by_zero, remainder ? a : llvm::ConstantInt::getSigned(t, -1), r);
  }
  llvm::Value* divide32(llvm::Value* a, llvm::Value* b, bool is_signed, bool remainder) {
    return b_.CreateSExt(divide(lo32(a), lo32(b), is_signed, remainder), i64_);
  }

  void lower(const ir::Op& op);
  void lower_int(const ir::Op& op);
  void lower_terminator(const ir::Op& op);
  void lower_helper(const ir::Op& op);

  const Region& region_;
  llvm::Module& module_;
  const ChainStubs& stubs_;
  llvm::LLVMContext& ctx_;
  llvm::IRBuilder<> b_;
  llvm::IRBuilder<> entry_b_;  // inserts register slots into the entry block
  llvm::Type *i8_, *i32_, *i64_, *ptr_;
  llvm::Function* fn_ = nullptr;
  llvm::Value *cpu_ = nullptr, *jctx_ = nullptr, *out_ = nullptr, *icount_ = nullptr, *stop_at_ = nullptr;
  llvm::Value *base_ = nullptr, *perms_ = nullptr, *limit_ = nullptr;
  std::array<llvm::Value*, ir::kNumSlots> slots_{};
  std::bitset<ir::kNumSlots> dirty_;    // registers written since the last sync on some path to here
  std::bitset<ir::kNumSlots> pending_;  // slots holding a raw SSE double result (its NaN not canonical)
  std::vector<bool> syncing_block_;     // blocks whose faulting ops sync first
  std::vector<std::bitset<ir::kNumSlots>> dirty_on_entry_;
  std::vector<std::bitset<ir::kNumSlots>> pending_on_entry_;
  std::vector<bool> budget_check_;       // see plan_budget_checks
  std::vector<std::size_t> loop_insns_;  // per region block: its shortest cycle's instructions (max: none)
  std::size_t windows_ = 0;              // page windows given out
  std::array<std::optional<std::uint64_t>, ir::kNumSlots> assumed_{};  // Region::assumed, once checked
  std::array<std::uint32_t, ir::kNumSlots> version_{};  // bumped by each write: equal means the same value
  std::uint32_t next_version_ = 0;
  std::vector<SlowExit> slow_exits_;          // the current block's, not yet emitted
  bool assumes_nearest_ = false;              // dynamic-rounding FP ops compiled for round-to-nearest
  std::vector<llvm::BasicBlock*> labels_;     // one per region block
  llvm::BasicBlock* region_entry_ = nullptr;  // after the entry checks, before block 0
  llvm::PHINode* chain_stub_ = nullptr;       // the stub the one musttail call goes through (see tail_call_stub)
  std::unordered_map<std::uint64_t, std::size_t> index_of_;  // start pc -> region block
  const ir::Block* block_ = nullptr;                         // the block being lowered
  std::size_t block_index_ = 0;
  std::size_t op_index_ = 0;              // of the op being lowered, in block_->ops
  std::vector<AccessGroup> groups_;       // the current block's shared checks
  std::vector<int> group_of_;             // per op of the current block: its group, or -1
  llvm::Value* block_instret_ = nullptr;  // cpu.instret when the current block started
};

}  // namespace vm::engine::jit
