// The baseline tier's region mode: a whole region (the blocks the LLVM tier
// is about to compile) in one function, in microseconds, so a hot loop runs
// without leaving compiled code while LLVM takes milliseconds over the same
// region. Block-mode code is reused op for op; what changes is control flow
// (branches between the region's blocks are jumps) and where the most used
// integer registers live: the seven most used (static count) in host
// registers for the whole function, loaded on entry and stored at every
// exit, the rest in the CpuState; cpu.instret lives in r11 too, so a
// loop's count and budget check are not a store-forwarding chain through
// memory. Ops whose destination is pinned compute in its register
// (two-address forms), and compares use pinned registers in place.
// Measured under --engine baseline (best of 3, shared 2-core VM), block
// code -> regions with six pins -> eight pins and two-address forms:
// alu_loop 2.82 -> 1.58 -> 1.09 s, int_mix 1.04 -> 0.71 -> 0.61, memory
// 0.89 -> 0.79 -> 0.63-0.71, branchy 0.80 -> 0.61 -> 0.55, fp_nbody 0.36
// -> 0.32 -> 0.32; then seven pins and instret in r11 (interleaved, best
// of 5): alu_loop -12.5%, int_mix -8%, memory +1%, branchy -4%, fp_nbody
// -8.5%. Memory accesses check through page windows in the frame (see
// take_window), and an indirect jump goes straight to the region's blocks
// among its seen targets: memory -22%, branchy -12%, fp_nbody -5.5%,
// alu_loop and int_mix within 2% (windows alone made branchy 20% slower:
// its dispatch left the region at every bytecode, so every entry started
// with empty windows). The twelve most used FP registers live in xmm4-15
// (plan_pins; stored and reloaded around thunk calls, which may clobber
// every XMM register): --engine baseline fp_nbody -10% (best of 7,
// interleaved), the integer workloads within 1.5%.
#include <algorithm>
#include <bitset>

#include "jit/x64/baseline_emitter.hpp"

namespace vm::engine::jit::x64 {

namespace {

// The callee-saved ones first: the prologue saves them (six pushes keep rsp
// 8 mod 16, as at entry, which begin_call relies on); r10 (and r11, which
// holds instret) are the caller's to lose, and begin_call saves them around
// thunk calls.
constexpr Reg kPinRegs[] = {rbx, rbp, r12, r13, r14, r15, r10};
constexpr Reg kCalleeSaved[] = {rbx, rbp, r12, r13, r14, r15};

// FP registers in xmm4-xmm15 (xmm0 is the FP ops' scratch), for the same
// reason: each FP op loaded and stored its registers, and a value read two
// ops after its write waited for store-to-load forwarding.
constexpr Reg kFpPinRegs[] = {xmm(4),  xmm(5),  xmm(6),  xmm(7),  xmm(8),  xmm(9),
                              xmm(10), xmm(11), xmm(12), xmm(13), xmm(14), xmm(15)};

// How often each guest register appears as a source or destination, and
// the FP registers an integer op touches (which alu_src reads from the
// CpuState, so they stay there).
struct Uses {
  std::array<unsigned, BaselineEmitter::kPinnableSlots> count{};
  std::bitset<BaselineEmitter::kPinnableSlots> by_integer_op;
};

Uses count_uses(const Region& region) {
  Uses uses;
  for (const ir::Block& block : region.blocks)
    for (const ir::Op& op : block.ops) {
      const ir::Format f = ir::format_of(op.opcode);
      const bool integer = f == ir::Format::RRR || f == ir::Format::RRI;
      for (ir::Slot s : {op.src1, op.src2, op.src3, op.dst}) {
        if (s == 0 || s >= uses.count.size()) continue;
        ++uses.count[s];
        if (integer && s >= cross_arch::ir::kFirstF) uses.by_integer_op.set(s);
      }
    }
  return uses;
}

// The slots in [first, last) used at least twice and not by an integer op,
// most used first.
std::vector<ir::Slot> most_used(const Uses& uses, ir::Slot first, ir::Slot last) {
  std::vector<ir::Slot> order;
  for (ir::Slot s = first; s < last; ++s)
    if (uses.count[s] >= 2 && !uses.by_integer_op.test(s)) order.push_back(s);
  std::stable_sort(order.begin(), order.end(), [&](ir::Slot a, ir::Slot b) { return uses.count[a] > uses.count[b]; });
  return order;
}

}  // namespace

void BaselineEmitter::plan_pins() {
  const Uses uses = count_uses(*region_);
  const auto assign = [this](const std::vector<ir::Slot>& order, const auto& regs) {
    for (std::size_t i = 0; i < order.size() && i < std::size(regs); ++i) pins_[order[i]] = regs[i];
  };
  assign(most_used(uses, 1, cross_arch::ir::kFirstF), kPinRegs);
  assign(most_used(uses, cross_arch::ir::kFirstF, kPinnableSlots), kFpPinRegs);
}

void BaselineEmitter::prologue() {
  if (assumes_nearest_) {
    // Nothing pushed yet: the exit is a plain return.
    Label& other = cold_label([this] {
      a_.mov_imm(rax, kExitInterpret);
      a_.ret();
    });
    test_rounding_not_nearest();
    a_.jcc(kNotEqual, other);
  }
  for (Reg r : kCalleeSaved) a_.push(r);
  // The windows: 16 bytes each keep rsp 8 mod 16; a length of 0 never matches.
  if (windows_ > 0) a_.alu_imm(Alu::kSub, rsp, 16 * windows_);
  for (int w = 0; w < windows_; ++w) a_.store64_imm(at(rsp, 16 * w + 8), 0);
  for_each_pin(/*fp=*/false, [this](ir::Slot slot, Reg r) { a_.load64(r, reg(slot)); });
  load_fp_pins();
  a_.load64(kInstretReg, at(rdi, kInstret));
}

void BaselineEmitter::epilogue() {
  if (!region_) return;
  for_each_pin(/*fp=*/false, [this](ir::Slot slot, Reg r) { a_.store64(reg(slot), r); });
  store_fp_pins();
  a_.store64(at(rdi, kInstret), kInstretReg);
  if (windows_ > 0) a_.alu_imm(Alu::kAdd, rsp, 16 * windows_);
  for (auto it = std::rbegin(kCalleeSaved); it != std::rend(kCalleeSaved); ++it) a_.pop(*it);
}

void BaselineEmitter::go_to(std::uint64_t pc) {
  auto inside = block_labels_.find(pc);
  if (!region_ || inside == block_labels_.end()) return exit_to(pc);
  // The same budget check as chain_to's: code never runs further than one
  // block past it (see kMaxUncheckedInsns).
  Label& spent = cold_label([this, pc] { leave(pc, 0, kExitNext); });
  a_.alu(Alu::kCmp, kInstretReg, ctx(offsetof(JitContext, stop_at)));
  a_.jcc(kAboveEqual, spent);
  Label& target = *inside->second;
  if (target.bound()) {
    // A back edge: leave for the target's slot once it holds code that is
    // not baseline code (see BaselineOptions::arena_base). The slot is
    // compared with what it held when this was compiled (this region, at
    // its entry); only a change takes the full test.
    CodeEntry* slot = slot_of_(pc);
    const auto now = reinterpret_cast<std::uintptr_t>(slot->fn.load(std::memory_order_relaxed));
    if (slot != self_ && now != 0 && now - options_.arena_base >= options_.arena_size)
      return exit_to(pc);  // the target runs better code already
    Label& changed = cold_label([this, pc, &target] {
      a_.load64(rax, at(rdx, off(offsetof(CodeEntry, fn))));
      a_.test(rax, rax);
      a_.jcc(kEqual, target);
      a_.mov_imm(rcx, options_.arena_base);
      a_.alu(Alu::kSub, rax, rcx);
      a_.mov_imm(rcx, options_.arena_size);
      a_.alu(Alu::kCmp, rax, rcx);
      a_.jcc(kBelow, target);
      exit_to(pc);
    });
    a_.mov_imm(rdx, reinterpret_cast<std::uintptr_t>(slot));
    if (slot == self_) {
      a_.lea_rip(rcx, start_);
    } else {
      a_.mov_imm(rcx, now);
    }
    a_.alu(Alu::kCmp, rcx, at(rdx, off(offsetof(CodeEntry, fn))));
    a_.jcc(kNotEqual, changed);
  }
  a_.jmp(target);
}

void BaselineEmitter::stay_for_seen_targets() {
  auto seen = region_->indirect_targets.find(block_->start_pc);
  if (seen == region_->indirect_targets.end()) return;
  for (std::uint64_t target : seen->second) {
    if (!block_labels_.count(target)) continue;
    Label& other = new_label();
    a_.mov_imm(rcx, target);
    a_.alu(Alu::kCmp, rax, rcx);
    a_.jcc(kNotEqual, other);
    go_to(target);
    a_.bind(other);
  }
}

std::vector<std::uint8_t> BaselineEmitter::run_region() {
  plan_pins();
  assumes_nearest_ = uses_dynamic_rounding(*region_);
  for (const ir::Block& block : region_->blocks)
    for (const ir::Op& op : block.ops) {
      const ir::Format f = ir::format_of(op.opcode);
      if ((f == ir::Format::LOAD || f == ir::Format::STORE) && windows_ < kMaxWindows) ++windows_;
    }
  for (const ir::Block& block : region_->blocks) block_labels_.emplace(block.start_pc, &new_label());
  a_.bind(start_);
  prologue();
  for (std::size_t i = 0; i < region_->blocks.size(); ++i) {
    block_index_ = i;
    block_ = &region_->blocks[i];
    a_.bind(*block_labels_.at(block_->start_pc));
    if (i == 0 && options_.count_hot) {
      // Counted on every pass through the entry block, as its block-mode
      // code did, so a loop keeps reporting its heat while LLVM compiles.
      const std::uint64_t entry = block_->start_pc;
      Label& hot = cold_label([this, entry] { leave(entry, 0, kExitHot); });
      count_down(hot);
    }
    for (const ir::Op& op : block_->ops) emit(op);
  }
  return finish();
}

std::vector<std::uint8_t> compile_baseline_region(const Region& region, CodeEntry* self, const SlotOf& slot_of,
                                                  const BaselineOptions& options) {
  BaselineOptions region_options = options;
  region_options.note_targets = false;  // the region is formed already
  return BaselineEmitter(region, self, slot_of, region_options).run_region();
}

}  // namespace vm::engine::jit::x64
