// Control transfer in lowered regions: the dirty/pending data-flow over the
// region's blocks, exits (write-back, chaining, the jump cache), branches
// inside the region and their entry checks, budget checks.
#include "jit/region_lowering.hpp"

#include <algorithm>

namespace vm::engine::jit {

void RegionLowering::compute_dirty_on_entry() {
  const std::size_t n = region_.blocks.size();
  std::vector<std::vector<std::size_t>> successors(n);
  syncing_block_.assign(n, false);
  for (std::size_t i = 0; i < n; ++i) {
    std::bitset<ir::kNumSlots> all_written;
    for (const ir::Op& op : region_.blocks[i].ops)
      if (op.dst != 0 && op.dst < ir::kFirstTemp) all_written.set(op.dst);
    syncing_block_[i] = all_written.count() > (region_.has_loop ? kLoopSyncMinWrites : kSyncMinWrites);
    for (std::uint64_t pc : region_.successors(i)) {
      auto it = index_of_.find(pc);
      if (it == index_of_.end()) continue;
      successors[i].push_back(it->second);
    }
  }
  plan_budget_checks(successors);
  measure_cycles(successors);
  dirty_on_entry_.assign(n, {});
  pending_on_entry_.assign(n, {});
  for (bool changed = true; changed;) {
    changed = false;
    for (std::size_t i = 0; i < n; ++i) {
      std::bitset<ir::kNumSlots> dirty = dirty_on_entry_[i], pending = pending_on_entry_[i];
      for (const ir::Op& op : region_.blocks[i].ops) {
        if (syncing_block_[i] && may_fault(op)) dirty &= pending;  // as sync()
        if (op.dst != 0 && op.dst < ir::kFirstTemp) {
          dirty.set(op.dst);
          pending.set(op.dst, leaves_nan_pending(op));
        }
      }
      for (std::size_t j : successors[i]) {
        if ((dirty_on_entry_[j] | dirty) == dirty_on_entry_[j] &&
            (pending_on_entry_[j] | pending) == pending_on_entry_[j])
          continue;
        dirty_on_entry_[j] |= dirty;
        pending_on_entry_[j] |= pending;
        changed = true;
      }
    }
  }
}

// A relaxation from each block back to itself (regions have a few dozen
// blocks at most).
void RegionLowering::measure_cycles(const std::vector<std::vector<std::size_t>>& successors) {
  const std::size_t n = region_.blocks.size();
  constexpr std::size_t kNone = ~std::size_t{0};
  loop_insns_.assign(n, kNone);
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<std::size_t> dist(n, kNone);  // instructions run from i's start to the end of each block
    std::vector<std::size_t> work{i};
    dist[i] = region_.blocks[i].guest_insn_count();
    while (!work.empty()) {
      const std::size_t j = work.back();
      work.pop_back();
      for (std::size_t k : successors[j]) {
        if (k == i) {
          loop_insns_[i] = std::min(loop_insns_[i], dist[j]);
          continue;
        }
        const std::size_t d = dist[j] + region_.blocks[k].guest_insn_count();
        if (d < dist[k]) {
          dist[k] = d;
          work.push_back(k);
        }
      }
    }
  }
}

void RegionLowering::plan_budget_checks(const std::vector<std::vector<std::size_t>>& successors) {
  const std::size_t n = region_.blocks.size();
  budget_check_.assign(n, false);
  if (n == 0) return;
  // Loop headers: the targets of a depth-first walk's back edges. Every
  // cycle has one, so without the edges into checking blocks the region is
  // acyclic.
  enum class Mark : std::uint8_t { kNew, kOnPath, kDone };
  std::vector<Mark> mark(n, Mark::kNew);
  std::vector<std::pair<std::size_t, std::size_t>> path{{0, 0}};  // block, next successor
  mark[0] = Mark::kOnPath;
  while (!path.empty()) {
    auto& [i, next] = path.back();
    if (next == successors[i].size()) {
      mark[i] = Mark::kDone;
      path.pop_back();
      continue;
    }
    const std::size_t j = successors[i][next++];
    if (mark[j] == Mark::kOnPath) {
      budget_check_[j] = true;
    } else if (mark[j] == Mark::kNew) {
      mark[j] = Mark::kOnPath;
      path.emplace_back(j, 0);
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    const auto& ops = region_.blocks[i].ops;
    if (std::any_of(ops.begin(), ops.end(),
                    [](const ir::Op& op) { return ir::format_of(op.opcode) == ir::Format::AMO; }))
      for (std::size_t j : successors[i]) budget_check_[j] = true;
  }
  // The rest in topological order (Kahn) over the edges into non-checking
  // blocks; since[i] is the most instructions a path runs from the last
  // check (or the region's entry) to block i's start.
  std::vector<std::size_t> unchecked_preds(n, 0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j : successors[i])
      if (!budget_check_[j]) ++unchecked_preds[j];
  std::vector<std::uint64_t> since(n, 0);
  std::vector<std::size_t> ready;
  for (std::size_t i = 0; i < n; ++i)
    if (unchecked_preds[i] == 0) ready.push_back(i);
  while (!ready.empty()) {
    const std::size_t i = ready.back();
    ready.pop_back();
    // Blocks a walk from the entry never reaches cannot occur in a region;
    // they would check.
    if (since[i] > kMaxUncheckedInsns || (i != 0 && mark[i] == Mark::kNew)) budget_check_[i] = true;
    const std::uint64_t at_end = (budget_check_[i] ? 0 : since[i]) + region_.blocks[i].guest_insn_count();
    for (std::size_t j : successors[i]) {
      if (budget_check_[j]) continue;
      since[j] = std::max(since[j], at_end);
      if (--unchecked_preds[j] == 0) ready.push_back(j);
    }
  }
}

void RegionLowering::emit_slow_exits() {
  const llvm::IRBuilderBase::InsertPointGuard keep(b_);
  const std::bitset<ir::kNumSlots> pending = pending_;
  // The registers of `common` that exit `e` stores with the same value and
  // rawness as exit `first`.
  const auto shared = [](const SlowExit& e, const SlowExit& first, std::bitset<ir::kNumSlots> common) {
    for (unsigned s = 1; s < ir::kFirstTemp; ++s)
      if (common.test(s) && (!e.dirty.test(s) || e.version[s] != first.version[s] || e.pending[s] != first.pending[s]))
        common.reset(s);
    return common;
  };
  for (std::size_t begin = 0; begin < slow_exits_.size();) {
    // A run of exits while each shares at least two registers, and at
    // least half of those it stores, with all before it in the run;
    // common[k]: what the run's first k + 1 exits share (shrinking).
    std::vector<std::bitset<ir::kNumSlots>> common{slow_exits_[begin].dirty};
    for (std::size_t i = begin + 1; i < slow_exits_.size(); ++i) {
      std::bitset<ir::kNumSlots> narrower = shared(slow_exits_[i], slow_exits_[begin], common.back());
      if (narrower.count() < 2 || 2 * narrower.count() < slow_exits_[i].dirty.count()) break;
      common.push_back(narrower);
    }
    const std::size_t end = begin + common.size();
    if (common.size() == 1) common[0].reset();  // alone: it stores everything itself
    // Tails, last first: tail[k] stores what the first k + 1 exits share
    // and the later ones do not, then goes on to tail[k + 1]; the last
    // returns. Exit begin + k stores the rest of its registers and enters
    // tail[k], so it stores common[k] through the chain.
    std::vector<llvm::BasicBlock*> tail(common.size(), nullptr);
    for (std::size_t k = common.size(); k-- > 0;) {
      const std::bitset<ir::kNumSlots> here =
          common[k] & ~(k + 1 < common.size() ? common[k + 1] : std::bitset<ir::kNumSlots>{});
      if (here.none() && k + 1 < common.size()) {
        tail[k] = tail[k + 1];
        continue;
      }
      if (here.none()) continue;  // a lone exit
      tail[k] = llvm::BasicBlock::Create(ctx_, "slow_exit", fn_);
      b_.SetInsertPoint(tail[k]);
      pending_ = slow_exits_[begin].pending;
      store_registers(here, /*engine_canonicalises=*/true);
      if (k + 1 < common.size())
        b_.CreateBr(tail[k + 1]);
      else
        b_.CreateRet(b_.getInt32(kExitSlowAccess));
    }
    for (std::size_t k = 0; k < common.size(); ++k) {
      const SlowExit& e = slow_exits_[begin + k];
      b_.SetInsertPoint(e.at);
      pending_ = e.pending;
      store_registers(e.dirty & ~common[k], /*engine_canonicalises=*/true);
      store_raw_nan_slots(e.dirty & e.pending);  // the tail's registers too
      b_.CreateStore(c64(e.pc), field(cpu_, offsetof(CpuState, pc)));
      b_.CreateStore(e.instret, field(cpu_, offsetof(CpuState, instret)));
      if (tail[k])
        b_.CreateBr(tail[k]);
      else
        b_.CreateRet(b_.getInt32(kExitSlowAccess));
    }
    begin = end;
  }
  slow_exits_.clear();
  pending_ = pending;
}

// Every exit that chains branches to one block holding the region's only
// musttail call, its callee a phi of the stubs. FastISel cannot select a
// musttail call, so each one was a SelectionDAG run of its own in regions
// FastISel compiles (straight-line code, large loops): 852 of them over
// int_mix's 491 regions under --engine jit, 305 now. LLVM's instructions
// per region there 10.7 -> 9.8 M (callgrind). --engine jit, interleaved
// runs on the shared 2-core VM: median region compile -17 to -18% on all
// five workloads (to 1.00-1.06 ms), compile total -7 to -10%, wall time -2
// to -10%. Tiered loop regions that FastISel selects: code generation -2
// to -6% (llc on the dumped modules, callgrind); tiered wall time the same.
// The cost, a jump to the shared block per exit: --engine jit's generated
// code ran as many instructions on int_mix and 1.2% more on branchy.
void RegionLowering::tail_call_stub(std::uintptr_t stub) {
  if (!chain_stub_) {
    llvm::IRBuilderBase::InsertPointGuard keep(b_);
    b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "chain", fn_));
    chain_stub_ = b_.CreatePHI(ptr_, 2, "stub");
    auto* type = llvm::FunctionType::get(i32_, {ptr_, ptr_}, false);
    llvm::CallInst* call = b_.CreateCall(type, chain_stub_, {cpu_, jctx_});
    call->setTailCallKind(llvm::CallInst::TCK_MustTail);
    b_.CreateRet(call);
  }
  chain_stub_->addIncoming(llvm::ConstantExpr::getIntToPtr(b_.getInt64(stub), ptr_), b_.GetInsertBlock());
  b_.CreateBr(chain_stub_->getParent());
}

void RegionLowering::chain_to(std::uint64_t pc, llvm::Value* instret) {
  store_exit_state(c64(pc), instret);
  auto it = region_.exits.find(pc);
  if (it == region_.exits.end() || !it->second) {
    b_.CreateRet(b_.getInt32(kExitNext));
    return;
  }
  b_.CreateStore(b_.CreateIntToPtr(c64(reinterpret_cast<std::uintptr_t>(it->second)), ptr_),
                 field(jctx_, offsetof(JitContext, next_entry)));
  tail_call_stub(stubs_.direct);
}

void RegionLowering::chain_indirect(llvm::Value* pc, llvm::Value* instret) {
  store_exit_state(pc, instret);
  tail_call_stub(stubs_.indirect);
}

void RegionLowering::go_to_computed(llvm::Value* pc, llvm::Value* instret) {
  auto seen = region_.indirect_targets.find(block_->start_pc);
  if (seen == region_.indirect_targets.end()) return chain_indirect(pc, instret);
  b_.CreateStore(instret, icount_);
  auto* elsewhere = llvm::BasicBlock::Create(ctx_, "elsewhere", fn_);
  llvm::SwitchInst* sw = b_.CreateSwitch(pc, elsewhere, static_cast<unsigned>(seen->second.size()));
  for (std::uint64_t target : seen->second) {
    const std::size_t j = index_of_.at(target);
    if (unchecked_on_entry(j).none()) {
      sw->addCase(b_.getInt64(target), labels_[j]);
      continue;
    }
    auto* edge = llvm::BasicBlock::Create(ctx_, "edge", fn_);
    sw->addCase(b_.getInt64(target), edge);
    b_.SetInsertPoint(edge);
    enter(j, instret);
  }
  b_.SetInsertPoint(elsewhere);
  chain_indirect(pc, instret);
}

// The registers' checks on one edge all leave with the same state (pc at
// block j, nothing written in between), so they share one exit: each exit
// stores every dirty register, and fp_nbody's hot region had 20 of them.
void RegionLowering::enter(std::size_t j, llvm::Value* instret) {
  const std::bitset<ir::kNumSlots> unchecked = unchecked_on_entry(j);
  llvm::BasicBlock* odd = nullptr;
  for (unsigned s = 1; s < ir::kFirstTemp; ++s) {
    if (!unchecked.test(s)) continue;
    llvm::Value* v = read_raw(static_cast<ir::Slot>(s));
    if (!odd) odd = llvm::BasicBlock::Create(ctx_, "odd_nan", fn_);
    auto* nan = llvm::BasicBlock::Create(ctx_, "nan_entering", fn_);
    auto* ok = llvm::BasicBlock::Create(ctx_, "value_ok", fn_);
    b_.CreateCondBr(is_nan_double(v), nan, ok, unlikely());
    b_.SetInsertPoint(nan);
    b_.CreateCondBr(b_.CreateICmpEQ(v, c64(cross_arch::riscv::fp::kCanonicalNaN64)), ok, odd);
    b_.SetInsertPoint(ok);
  }
  b_.CreateBr(labels_[j]);
  if (!odd) return;
  b_.SetInsertPoint(odd);
  leave(c64(region_.blocks[j].start_pc), instret, kExitOddNan);
}

}  // namespace vm::engine::jit
