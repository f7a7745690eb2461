// Region exits tail-call one of two shared routines instead of inlining
// the budget check, the slot probe and the tail call: two to four blocks
// fewer per exit for LLVM to compile. Measured on the shared 2-core VM
// against the inline form: LLVM's instructions -5.6 to -7.4% on the five
// workloads under --engine jit (callgrind), whose small regions have many
// exits, and their wall time -2 to -9%; tiered wall time within the noise.
// An exit pays one more jump and a store: jit_vs_interp/mixed/jit, which
// chains between regions on every iteration, +4%.
#include "jit/chain_stubs.hpp"

#include <cstddef>

#include <llvm/IR/IRBuilder.h>

#include "jit/runtime.hpp"

namespace vm::engine::jit {

namespace {

class StubBuilder {
 public:
  StubBuilder(llvm::Module& module, const char* name)
      : ctx_(module.getContext()), b_(ctx_), i64_(b_.getInt64Ty()), ptr_(b_.getPtrTy()) {
    auto* type = llvm::FunctionType::get(b_.getInt32Ty(), {ptr_, ptr_}, false);
    fn_ = llvm::Function::Create(type, llvm::Function::ExternalLinkage, name, module);
    fn_->addFnAttr(llvm::Attribute::NoUnwind);
    cpu_ = fn_->getArg(0);
    jctx_ = fn_->getArg(1);
    out_ = llvm::BasicBlock::Create(ctx_, "to_dispatcher", fn_);
    b_.SetInsertPoint(out_);
    b_.CreateRet(b_.getInt32(kExitNext));
    b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", fn_, out_));
  }

  llvm::Value* load(llvm::Type* type, llvm::Value* base, std::size_t offset) {
    return b_.CreateLoad(type, b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), base, offset));
  }
  // Goes on where `cond` is false; returns kExitNext where it is true.
  void return_if(llvm::Value* cond) {
    auto* on = llvm::BasicBlock::Create(ctx_, "on", fn_, out_);
    b_.CreateCondBr(cond, out_, on);
    b_.SetInsertPoint(on);
  }
  void return_if_budget_spent() {
    return_if(b_.CreateICmpUGE(load(i64_, cpu_, offsetof(CpuState, instret)),
                               load(i64_, jctx_, offsetof(JitContext, stop_at))));
  }
  // Runs the code published in `entry`, or returns when there is none.
  void tail_call_entry(llvm::Value* entry) {
    llvm::LoadInst* fn =
        b_.CreateLoad(ptr_, b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), entry, offsetof(CodeEntry, fn)));
    fn->setAtomic(llvm::AtomicOrdering::Acquire);
    fn->setAlignment(llvm::Align(8));
    return_if(b_.CreateIsNull(fn));
    llvm::CallInst* call = b_.CreateCall(fn_->getFunctionType(), fn, {cpu_, jctx_});
    call->setTailCallKind(llvm::CallInst::TCK_MustTail);
    b_.CreateRet(call);
  }

  llvm::IRBuilder<>& b() { return b_; }
  llvm::Value* cpu() const { return cpu_; }
  llvm::Value* jctx() const { return jctx_; }
  llvm::Type* i64() const { return i64_; }
  llvm::Type* ptr() const { return ptr_; }

 private:
  llvm::LLVMContext& ctx_;
  llvm::IRBuilder<> b_;
  llvm::Type *i64_, *ptr_;
  llvm::Function* fn_ = nullptr;
  llvm::Value *cpu_ = nullptr, *jctx_ = nullptr;
  llvm::BasicBlock* out_ = nullptr;
};

}  // namespace

void add_chain_stubs(llvm::Module& module) {
  {
    StubBuilder s(module, kChainDirectName);
    s.return_if_budget_spent();
    s.tail_call_entry(s.load(s.ptr(), s.jctx(), offsetof(JitContext, next_entry)));
  }
  {
    StubBuilder s(module, kChainIndirectName);
    s.return_if_budget_spent();
    llvm::IRBuilder<>& b = s.b();
    llvm::Value* pc = s.load(s.i64(), s.cpu(), offsetof(CpuState, pc));
    llvm::Value* cache = s.load(s.ptr(), s.jctx(), offsetof(JitContext, jump_cache));
    llvm::Value* index = b.CreateAnd(b.CreateLShr(pc, 1), b.getInt64(kJumpCacheSize - 1));
    llvm::Value* entry = b.CreateLoad(s.ptr(), b.CreateGEP(s.ptr(), cache, index));
    s.return_if(b.CreateIsNull(entry));
    s.return_if(b.CreateICmpNE(s.load(s.i64(), entry, offsetof(CodeEntry, pc)), pc));
    s.tail_call_entry(entry);
  }
}

}  // namespace vm::engine::jit
