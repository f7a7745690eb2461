// Region exits tail-call one of two shared routines instead of inlining
// the budget check, the slot probe and the tail call: two to four blocks
// fewer per exit for LLVM to compile. Measured on the shared 2-core VM
// against the inline form: LLVM's instructions -5.6 to -7.4% on the five
// workloads under --engine jit (callgrind), whose small regions have many
// exits, and their wall time -2 to -9%; tiered wall time within the noise.
// An exit pays one more jump and a store: jit_vs_interp/mixed/jit, which
// chains between regions on every iteration, +4%. Compiling the routines
// costs ~3 ms once per compiler (BlockCompiler::Impl::add_chain_stubs_to_jit).
#include "jit/chain_stubs.hpp"

#include <cstddef>

#include <llvm/IR/IRBuilder.h>

#include "jit/runtime.hpp"

namespace vm::engine::jit {

namespace {

// One routine under construction: `cpu` and `jctx` are its arguments.
struct StubBuilder {
  StubBuilder(llvm::Module& module, const char* name) : b(module.getContext()) {
    auto* type = llvm::FunctionType::get(b.getInt32Ty(), {ptr, ptr}, false);
    fn = llvm::Function::Create(type, llvm::Function::ExternalLinkage, name, module);
    fn->addFnAttr(llvm::Attribute::NoUnwind);
    cpu = fn->getArg(0);
    jctx = fn->getArg(1);
    out = llvm::BasicBlock::Create(b.getContext(), "to_dispatcher", fn);
    b.SetInsertPoint(out);
    b.CreateRet(b.getInt32(kExitNext));
    b.SetInsertPoint(llvm::BasicBlock::Create(b.getContext(), "entry", fn, out));
  }

  llvm::Value* load(llvm::Type* type, llvm::Value* base, std::size_t offset) {
    return b.CreateLoad(type, b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), base, offset));
  }
  // Goes on where `cond` is false; returns kExitNext where it is true.
  void return_if(llvm::Value* cond) {
    auto* on = llvm::BasicBlock::Create(b.getContext(), "on", fn, out);
    b.CreateCondBr(cond, out, on);
    b.SetInsertPoint(on);
  }
  void return_if_budget_spent() {
    return_if(
        b.CreateICmpUGE(load(i64, cpu, offsetof(CpuState, instret)), load(i64, jctx, offsetof(JitContext, stop_at))));
  }
  // Runs the code published in `entry`, or returns when there is none.
  void tail_call_entry(llvm::Value* entry) {
    llvm::LoadInst* code =
        b.CreateLoad(ptr, b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), entry, offsetof(CodeEntry, fn)));
    code->setAtomic(llvm::AtomicOrdering::Acquire);
    code->setAlignment(llvm::Align(8));
    return_if(b.CreateIsNull(code));
    llvm::CallInst* call = b.CreateCall(fn->getFunctionType(), code, {cpu, jctx});
    call->setTailCallKind(llvm::CallInst::TCK_MustTail);
    b.CreateRet(call);
  }

  llvm::IRBuilder<> b;
  llvm::Type* i64 = b.getInt64Ty();
  llvm::Type* ptr = b.getPtrTy();
  llvm::Function* fn = nullptr;
  llvm::Value *cpu = nullptr, *jctx = nullptr;
  llvm::BasicBlock* out = nullptr;  // returns kExitNext
};

}  // namespace

void add_chain_stubs(llvm::Module& module) {
  {
    StubBuilder s(module, kChainDirectName);
    s.return_if_budget_spent();
    s.tail_call_entry(s.load(s.ptr, s.jctx, offsetof(JitContext, next_entry)));
  }
  {
    StubBuilder s(module, kChainIndirectName);
    s.return_if_budget_spent();
    llvm::IRBuilder<>& b = s.b;
    llvm::Value* pc = s.load(s.i64, s.cpu, offsetof(CpuState, pc));
    llvm::Value* cache = s.load(s.ptr, s.jctx, offsetof(JitContext, jump_cache));
    // jump_cache_slot(pc)
    llvm::Value* index = b.CreateAnd(b.CreateLShr(pc, 1), b.getInt64(kJumpCacheSize - 1));
    llvm::Value* entry = b.CreateLoad(s.ptr, b.CreateGEP(s.ptr, cache, index));
    s.return_if(b.CreateIsNull(entry));
    s.return_if(b.CreateICmpNE(s.load(s.i64, entry, offsetof(CodeEntry, pc)), pc));
    s.tail_call_entry(entry);
  }
}

}  // namespace vm::engine::jit
