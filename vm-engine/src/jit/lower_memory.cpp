// Guest memory accesses in lowered regions: the inline fast-path check,
// accesses sharing one check, loads and stores.
#include "jit/region_lowering.hpp"

namespace vm::engine::jit {

void RegionLowering::branch_unless_fast(llvm::Value* addr, unsigned size, std::uint8_t need,
                                        llvm::BasicBlock* refused) {
  auto* in_range = llvm::BasicBlock::Create(ctx_, "in_range", fn_);
  b_.CreateCondBr(b_.CreateICmpULT(addr, limit_), in_range, refused, likely());
  b_.SetInsertPoint(in_range);
  llvm::Value* bad = b_.CreateZExt(perm_refuses(addr, need), i64_);
  if (size > 1)  // 1 when the last byte is on the next page
    bad = b_.CreateOr(bad, crosses_page(addr, size));
  auto* fast = llvm::BasicBlock::Create(ctx_, "fast", fn_);
  b_.CreateCondBr(b_.CreateICmpEQ(bad, c64(0)), fast, refused, likely());
  b_.SetInsertPoint(fast);
}

void RegionLowering::branch_unless_fast_alone(llvm::Value* addr, unsigned size, std::uint8_t need,
                                              llvm::BasicBlock* refused) {
  auto* in_range = llvm::BasicBlock::Create(ctx_, "in_range", fn_);
  b_.CreateCondBr(b_.CreateICmpULT(addr, limit_), in_range, refused, likely());
  b_.SetInsertPoint(in_range);
  auto* fast = llvm::BasicBlock::Create(ctx_, "fast", fn_);
  if (size == 1) {
    b_.CreateCondBr(b_.CreateICmpEQ(perm_refuses(addr, need), b_.getInt8(0)), fast, refused, likely());
  } else {
    auto* allowed = llvm::BasicBlock::Create(ctx_, "allowed", fn_);
    auto* misaligned = llvm::BasicBlock::Create(ctx_, "misaligned", fn_);
    b_.CreateCondBr(b_.CreateICmpEQ(perm_refuses(addr, need), b_.getInt8(0)), allowed, refused, likely());
    b_.SetInsertPoint(allowed);
    b_.CreateCondBr(b_.CreateICmpEQ(b_.CreateAnd(addr, c64(size - 1)), c64(0)), fast, misaligned, likely());
    b_.SetInsertPoint(misaligned);
    b_.CreateCondBr(b_.CreateICmpEQ(crosses_page(addr, size), c64(0)), fast, refused, likely());
  }
  b_.SetInsertPoint(fast);
}

void RegionLowering::branch_unless_both_pages_allow(llvm::Value* lo, unsigned span, std::uint8_t need,
                                                    llvm::BasicBlock* refused) {
  llvm::Value* last = b_.CreateAdd(lo, c64(span - 1));
  // Both ends below the limit (a range that wraps has its first byte above
  // it), before the permission table is read at either.
  llvm::Value* outside = b_.CreateOr(b_.CreateZExt(b_.CreateICmpUGE(lo, limit_), i64_),
                                     b_.CreateZExt(b_.CreateICmpUGE(last, limit_), i64_));
  auto* in_range = llvm::BasicBlock::Create(ctx_, "in_range", fn_);
  b_.CreateCondBr(b_.CreateICmpEQ(outside, c64(0)), in_range, refused, likely());
  b_.SetInsertPoint(in_range);
  llvm::Value* bad = b_.CreateOr(perm_refuses(lo, need), perm_refuses(last, need));
  auto* fast = llvm::BasicBlock::Create(ctx_, "fast", fn_);
  b_.CreateCondBr(b_.CreateICmpEQ(bad, b_.getInt8(0)), fast, refused, likely());
  b_.SetInsertPoint(fast);
}

llvm::Value* RegionLowering::perm_refuses(llvm::Value* addr, std::uint8_t need) {
  // Stores also require the page to hold no translated code: one bit
  // (kPermStoreFast) stands for both.
  const std::uint8_t bits = mem::fast_path_bits(need);
  llvm::Value* perm = b_.CreateLoad(i8_, b_.CreateGEP(i8_, perms_, b_.CreateLShr(addr, 12)));
  return b_.CreateXor(b_.CreateAnd(perm, b_.getInt8(bits)), b_.getInt8(bits));
}

llvm::Value* RegionLowering::crosses_page(llvm::Value* addr, unsigned size) {
  return b_.CreateLShr(b_.CreateAdd(b_.CreateAnd(addr, 0xfff), c64(size - 1)), 12);
}

unsigned RegionLowering::access_size(Opcode o) {
  switch (o) {
    case Opcode::Lb:
    case Opcode::Lbu:
    case Opcode::Sb:
      return 1;
    case Opcode::Lh:
    case Opcode::Lhu:
    case Opcode::Sh:
      return 2;
    case Opcode::Lw:
    case Opcode::Lwu:
    case Opcode::Flw:
    case Opcode::Sw:
    case Opcode::Fsw:
      return 4;
    default:
      return 8;
  }
}

void RegionLowering::plan_access_groups() {
  const std::vector<ir::Op>& ops = block_->ops;
  groups_.clear();
  group_of_.assign(ops.size(), -1);
  std::array<int, ir::kNumSlots> open;  // the group each base slot extends, or -1
  open.fill(-1);
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const ir::Op& op = ops[i];
    const ir::Format f = ir::format_of(op.opcode);
    if ((f == ir::Format::LOAD || f == ir::Format::STORE) && op.src1 != 0 && op.imm > -(1 << 20) &&
        op.imm < (1 << 20)) {
      const std::int64_t lo = op.imm;
      const std::int64_t hi = op.imm + access_size(op.opcode);
      const std::uint8_t need = access_need(op.opcode);
      int g = open[op.src1];
      if (g >= 0 && std::max(groups_[g].hi, hi) - std::min(groups_[g].lo, lo) <= kGroupSpan) {
        AccessGroup& group = groups_[static_cast<std::size_t>(g)];
        group.lo = std::min(group.lo, lo);
        group.hi = std::max(group.hi, hi);
        group.need |= need;
        ++group.members;
      } else {
        g = static_cast<int>(groups_.size());
        groups_.push_back(AccessGroup{lo, hi, need, i, 1});
        open[op.src1] = g;
      }
      group_of_[i] = g;
    }
    if (op.dst != 0) open[op.dst] = -1;  // the base changed: later accesses start a new group
  }
  for (std::size_t i = 0; i < ops.size(); ++i)
    if (group_of_[i] >= 0 && groups_[static_cast<std::size_t>(group_of_[i])].members < 2) group_of_[i] = -1;
}

void RegionLowering::check_through_window(llvm::Value* addr, unsigned span, llvm::function_ref<void()> full_check) {
  // Allocas (mem2reg makes them loop-carried values): the window's first
  // address, and its length, 0 until a full check passes. [lo, lo + len)
  // then holds every address at which `span` bytes stay on the page.
  llvm::Value* lo = entry_b_.CreateAlloca(i64_, nullptr, "window_lo");
  llvm::Value* len = entry_b_.CreateAlloca(i64_, nullptr, "window_len");
  entry_b_.CreateStore(c64(0), lo);
  entry_b_.CreateStore(c64(0), len);
  ++windows_;
  llvm::Value* offset = b_.CreateSub(addr, b_.CreateLoad(i64_, lo));
  auto* miss = llvm::BasicBlock::Create(ctx_, "window_miss", fn_);
  auto* hit = llvm::BasicBlock::Create(ctx_, "window_hit", fn_);
  b_.CreateCondBr(b_.CreateICmpULT(offset, b_.CreateLoad(i64_, len)), hit, miss, likely());
  b_.SetInsertPoint(miss);
  full_check();
  b_.CreateStore(b_.CreateAnd(addr, c64(~std::uint64_t{0xfff})), lo);
  b_.CreateStore(c64(0x1000 - span + 1), len);
  b_.CreateBr(hit);
  b_.SetInsertPoint(hit);
}

llvm::Value* RegionLowering::host_ptr(const ir::Op& op, llvm::Value* addr, unsigned size, std::uint8_t need) {
  const int gi = group_of_[op_index_];
  if (gi < 0) {
    if (wants_window())
      check_through_window(addr, size, [&] { leave_unless_fast(op, addr, size, need); });
    else
      leave_unless_fast(op, addr, size, need);
    return b_.CreateGEP(i8_, base_, addr);
  }
  const AccessGroup& g = groups_[static_cast<std::size_t>(gi)];
  if (op_index_ == g.first) {
    llvm::Value* base = read(op.src1);
    llvm::Value* lo = b_.CreateAdd(base, c64(static_cast<std::uint64_t>(g.lo)));
    const auto span = static_cast<unsigned>(g.hi - g.lo);
    auto* alone = llvm::BasicBlock::Create(ctx_, "check_members", fn_);
    const auto shared_check = [&] { branch_unless_fast(lo, span, g.need, alone); };
    if (wants_window())
      check_through_window(lo, span, shared_check);
    else
      shared_check();
    auto* checked = llvm::BasicBlock::Create(ctx_, "checked", fn_);
    b_.CreateBr(checked);
    b_.SetInsertPoint(alone);
    branch_unless_both_pages_allow(lo, span, g.need, slow_exit_before(op));
    b_.CreateBr(checked);
    b_.SetInsertPoint(checked);
  }
  return b_.CreateGEP(i8_, base_, addr);
}

}  // namespace vm::engine::jit
