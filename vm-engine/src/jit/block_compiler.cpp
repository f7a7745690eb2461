// LLJIT set-up, the optimisation pipeline and the llvm::Error -> vm::Result
// boundary.
#include "jit/block_compiler.hpp"

#include <cstdlib>
#include <mutex>
#include <unordered_map>

#include <fmt/format.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ObjectTransformLayer.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Object/ELFObjectFile.h>
#include <llvm/Object/ObjectFile.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/CommandLine.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Transforms/InstCombine/InstCombine.h>
#include <llvm/Transforms/Scalar/EarlyCSE.h>
#include <llvm/Transforms/Scalar/SimplifyCFG.h>
#include <llvm/Transforms/Utils/Mem2Reg.h>

#include "jit/lower.hpp"

namespace vm::engine::jit {

namespace {

vm::Unexpected<vm::Error> to_vm_error(llvm::Error error, const char* what) {
  return vm::make_error(vm::ErrorCode::kInternal,
                        fmt::format("LLVM JIT: {}: {}", what, llvm::toString(std::move(error))));
}

void initialise_llvm_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    const char* args[] = {"vm", "-fast-isel"};
    llvm::cl::ParseCommandLineOptions(2, args);
  });
}

// Level 1 keeps the fast instruction selector (FastISel): SelectionDAG
// costs several times more per block, and the IR passes already did the
// folding that matters for straight-line guest code.
llvm::CodeGenOpt::Level codegen_level(unsigned opt) {
  switch (opt) {
    case 0:
      return llvm::CodeGenOpt::None;
    case 1:
      return llvm::CodeGenOpt::Less;
    case 2:
      return llvm::CodeGenOpt::Default;
    default:
      return llvm::CodeGenOpt::Aggressive;
  }
}

// Level 1: a few cheap passes that clean up the lowering (registers from
// allocas to SSA, common sub-expressions, folded checks); 2 and 3: LLVM's
// standard pipelines.
void optimise(llvm::Module& module, unsigned opt) {
  if (opt == 0) return;
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder pb;
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  if (opt == 1) {
    llvm::FunctionPassManager fpm;
    fpm.addPass(llvm::PromotePass());
    fpm.addPass(llvm::EarlyCSEPass());
    fpm.addPass(llvm::InstCombinePass());
    fpm.addPass(llvm::SimplifyCFGPass());
    for (llvm::Function& f : module)
      if (!f.isDeclaration()) fpm.run(f, fam);
    return;
  }
  llvm::ModulePassManager mpm =
      pb.buildPerModuleDefaultPipeline(opt == 2 ? llvm::OptimizationLevel::O2 : llvm::OptimizationLevel::O3);
  mpm.run(module, mam);
}

}  // namespace

struct BlockCompiler::Impl {
  std::unique_ptr<llvm::orc::LLJIT> jit;
  std::unordered_map<std::string, std::uint64_t> symbol_sizes;  // from the emitted objects
  unsigned opt_level = 0;
  std::uint64_t next_id = 0;
};

BlockCompiler::BlockCompiler(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BlockCompiler::~BlockCompiler() = default;

vm::Result<std::unique_ptr<BlockCompiler>> BlockCompiler::create(unsigned opt_level) {
  initialise_llvm_once();
  auto jtmb = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!jtmb) return (to_vm_error(jtmb.takeError(), "detecting the host target"));
  jtmb->setCodeGenOptLevel(codegen_level(opt_level));
  auto jit = llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(std::move(*jtmb)).create();
  if (!jit) return (to_vm_error(jit.takeError(), "creating LLJIT"));
  auto impl = std::make_unique<Impl>();
  impl->jit = std::move(*jit);
  impl->opt_level = opt_level > 3 ? 3 : opt_level;
  // Records each function's size from the object file (for perf maps).
  Impl* raw = impl.get();
  impl->jit->getObjTransformLayer().setTransform(
      [raw](std::unique_ptr<llvm::MemoryBuffer> object) -> llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> {
        auto file = llvm::object::ObjectFile::createObjectFile(object->getMemBufferRef());
        if (!file) {
          llvm::consumeError(file.takeError());
          return object;
        }
        for (const llvm::object::SymbolRef& sym : (*file)->symbols()) {
          auto name = sym.getName();
          if (!name) {
            llvm::consumeError(name.takeError());
            continue;
          }
          if (llvm::isa<llvm::object::ELFObjectFileBase>(file->get()))
            raw->symbol_sizes[name->str()] = llvm::object::ELFSymbolRef(sym).getSize();
        }
        return object;
      });
  return std::unique_ptr<BlockCompiler>(new BlockCompiler(std::move(impl)));
}

vm::Result<std::vector<CompiledBlock>> BlockCompiler::compile(const std::vector<const Region*>& regions) {
  auto context = std::make_unique<llvm::LLVMContext>();
  auto module = std::make_unique<llvm::Module>("vm_blocks", *context);
  module->setDataLayout(impl_->jit->getDataLayout());
  module->setTargetTriple(impl_->jit->getTargetTriple().str());
  std::vector<std::string> names;
  names.reserve(regions.size());
  for (const Region* region : regions) {
    names.push_back(fmt::format("vm_region_{:x}_{}", region->entry_pc(), impl_->next_id++));
    lower_region(*region, *module, names.back());
  }
  std::string problems;
  llvm::raw_string_ostream problem_stream(problems);
  if (llvm::verifyModule(*module, &problem_stream))
    return vm::make_error(vm::ErrorCode::kInternal, "LLVM JIT: lowering produced invalid IR: " + problem_stream.str());
  optimise(*module, impl_->opt_level);
  // For engine developers: the optimised IR of every module on stderr.
  static const bool dump_ir = std::getenv("VM_JIT_DUMP_IR") != nullptr;
  if (dump_ir) module->print(llvm::errs(), nullptr);
  if (llvm::Error e = impl_->jit->addIRModule(llvm::orc::ThreadSafeModule(std::move(module), std::move(context))))
    return (to_vm_error(std::move(e), "adding a module"));
  std::vector<CompiledBlock> out;
  out.reserve(names.size());
  for (const std::string& name : names) {
    auto address = impl_->jit->lookup(name);
    if (!address) return (to_vm_error(address.takeError(), "looking up a compiled block"));
    auto size = impl_->symbol_sizes.find(name);
    out.push_back(CompiledBlock{address->toPtr<BlockFn>(), size == impl_->symbol_sizes.end() ? 0 : size->second});
    if (size != impl_->symbol_sizes.end()) impl_->symbol_sizes.erase(size);
  }
  return out;
}

}  // namespace vm::engine::jit
