// LLJIT set-up, the optimisation pipeline and the llvm::Error -> vm::Result
// boundary.
#include "jit/block_compiler.hpp"

#include <cstdlib>
#include <functional>
#include <mutex>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>
#include <llvm/ExecutionEngine/Orc/CompileUtils.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ObjectTransformLayer.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/PatternMatch.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Object/ELFObjectFile.h>
#include <llvm/Object/ObjectFile.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/CommandLine.h>
#include <llvm/Support/SmallVectorMemoryBuffer.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Transforms/InstCombine/InstCombine.h>
#include <llvm/Transforms/Scalar/EarlyCSE.h>
#include <llvm/Transforms/Scalar/InstSimplifyPass.h>
#include <llvm/Transforms/Scalar/SimplifyCFG.h>
#include <llvm/Transforms/Utils/Mem2Reg.h>

#include "jit/chain_stubs.hpp"
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
    // Loop strength reduction and the machine scheduler took a fifth of
    // code generation on guest regions (llc -time-passes) for no measured
    // gain: guest loops' induction variables are guest registers already in
    // their final form, and the host core reorders anyway. (The instruction
    // selector is chosen per module: ReusedPipelineCompiler.) On hosts with
    // AVX-512BW, X86DomainReassignment looks for integer chains to move to
    // mask registers: 3.4%, 2.0% and 1.1% of LLVM's perf samples on
    // branchy, fp_nbody and int_mix (tiered), for code 13-39 bytes shorter
    // in 600-800 KB (--engine jit).
    // The other optional machine passes each cost 1-3% of a loop region's
    // code generation (llc on branchy's tiered modules); without machine
    // LICM, CSE, sinking, copy propagation, branch folding, tail
    // duplication, block placement and constant hoisting, tiered compile
    // totals fell 14-20% (fp_nbody's rose 75%) but int_mix ran 46% and
    // branchy 35% slower; with only CSE, copy propagation, sinking, branch
    // folding and constant hoisting off, alu_loop, int_mix and memory
    // compiled 17-27% faster, branchy no faster, fp_nbody 84% slower, and
    // branchy ran 5-11% slower.
    // VM_LLVM_ARGS adds LLVM options for engine developers (-time-passes).
    std::vector<std::string> words{"vm", "-disable-lsr", "-enable-misched=false", "-disable-x86-domain-reassignment"};
    if (const char* extra = std::getenv("VM_LLVM_ARGS")) {
      std::istringstream in(extra);
      for (std::string w; in >> w;) words.push_back(w);
    }
    std::vector<const char*> args;
    for (const std::string& w : words) args.push_back(w.c_str());
    llvm::cl::ParseCommandLineOptions(static_cast<int>(args.size()), args.data());
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

// Replaces each 64-bit instruction for which `rewrite(inst, builder, shl)`
// returns a value; `shl`, an instruction before it that it consumed, goes
// too once unused.
template <typename Rewrite>
void rewrite_each(llvm::Function& f, Rewrite rewrite) {
  for (llvm::BasicBlock& bb : f)
    for (auto it = bb.begin(); it != bb.end();) {
      llvm::Instruction& inst = *it++;
      if (!inst.getType()->isIntegerTy(64)) continue;
      llvm::IRBuilder<> b(&inst);
      llvm::Instruction* shl = nullptr;
      llvm::Value* with = rewrite(inst, b, shl);
      if (!with) continue;
      inst.replaceAllUsesWith(with);
      inst.eraseFromParent();
      if (shl->use_empty()) shl->eraseFromParent();  // before `inst`: the iterator is past it
    }
}

// Two rewrites of InstCombine's output, for the code FastISel makes of
// RV64's W ops (which sign-extend every 32-bit result, so they sit on most
// 32-bit dependency chains). First, a W op's add folds into the sign
// extension as `(x << 32) + (k << 32)`, whose constant takes a 64-bit
// immediate (movabs); `(x + k) << 32` is the same value (the shift drops
// the carry out of bit 31) with a small immediate, and the extension's
// outer shift then meets its shl again. branchy's bytecode stack pointer
// (`addiw; slli`) took four instructions for two; its generated code is
// 0.4% shorter (callgrind, --engine jit). Then sext(trunc x), which
// InstCombine writes as an shl + ashr pair (two dependent shifts), becomes
// trunc + sext again: one movslq (movswq, movsbq). One instruction less
// per W op in the listing; alu_loop's wall time did not change measurably
// (its loop is bound by instruction throughput).
void tidy_w_op_shifts(llvm::Function& f) {
  using namespace llvm::PatternMatch;
  rewrite_each(f, [](llvm::Instruction& inst, llvm::IRBuilder<>& b, llvm::Instruction*& shl) -> llvm::Value* {
    llvm::Value* x = nullptr;
    const llvm::APInt* k = nullptr;
    if (!match(&inst, m_Add(m_CombineAnd(m_Shl(m_Value(x), m_SpecificInt(32)), m_Instruction(shl)), m_APInt(k))) ||
        !k->extractBits(32, 0).isZero())
      return nullptr;
    return b.CreateShl(b.CreateAdd(x, b.getInt(k->ashr(32))), 32);
  });
  rewrite_each(f, [](llvm::Instruction& inst, llvm::IRBuilder<>& b, llvm::Instruction*& shl) -> llvm::Value* {
    llvm::Value* x = nullptr;
    const llvm::APInt *left = nullptr, *right = nullptr;
    if (!match(&inst, m_AShr(m_CombineAnd(m_Shl(m_Value(x), m_APInt(left)), m_Instruction(shl)), m_APInt(right))) ||
        *left != *right)
      return nullptr;
    const unsigned width = 64 - static_cast<unsigned>(left->getZExtValue());
    if (width != 32 && width != 16 && width != 8) return nullptr;
    return b.CreateSExt(b.CreateTrunc(x, b.getIntNTy(width)), inst.getType());
  });
}

// Level 1: a few cheap passes that clean up the lowering (registers from
// allocas to SSA, common sub-expressions, folded checks); 2 and 3: LLVM's
// standard pipelines. Built once per compiler: registering LLVM's analyses
// costs about as much as optimising a small region.
class Optimiser {
 public:
  explicit Optimiser(unsigned opt) : opt_(opt) {
    pb_.registerModuleAnalyses(mam_);
    pb_.registerCGSCCAnalyses(cgam_);
    pb_.registerFunctionAnalyses(fam_);
    pb_.registerLoopAnalyses(lam_);
    pb_.crossRegisterProxies(lam_, fam_, cgam_, mam_);
    fpm_.addPass(llvm::PromotePass());
    fpm_.addPass(llvm::EarlyCSEPass());
    // One InstCombine iteration, not its fixed point: the same code on every
    // guest workload (callgrind counts of the generated code) for 7% less
    // compile work. InstCombine was over a third of a straight-line
    // region's compile; InstSimplify instead costs half as much but made
    // alu_loop's code 10% and fp_nbody's 7% longer.
    fpm_.addPass(llvm::InstCombinePass(/*MaxIterations=*/1));
    fpm_.addPass(llvm::SimplifyCFGPass());
    // Straight-line regions run once per entry and take the cheapest code
    // generator (see BlockCompiler::Impl); they take InstSimplify too.
    // jit_compile (interleaved, shared 2-core VM): small -17%, medium
    // -30%, large -32%. Tiered wall time of the five workloads unchanged
    // (best of 7, within 6%): their hot regions are loops. --engine jit
    // (callgrind), whose regions are up to 4 blocks with no profile, so
    // often straight-line: LLVM's work -4% on alu_loop, int_mix and
    // branchy; generated code's the same but on branchy, +3.3%.
    // No EarlyCSE for them: the values it reuses live across the blocks of
    // the memory checks, and the fast register allocator stores and
    // reloads every such value at every block boundary. Without it,
    // --engine jit int_mix's code is 13% smaller (516 -> 447 KB) and
    // LLVM's work per region 6% less (callgrind); its wall time the same
    // or better on the five workloads (-0 to -8%, interleaved best of 5).
    // Without InstSimplify or mem2reg as well the code grew again.
    straight_fpm_.addPass(llvm::PromotePass());
    straight_fpm_.addPass(llvm::InstSimplifyPass());
    straight_fpm_.addPass(llvm::SimplifyCFGPass());
  }

  // `straight_line`: the module holds only regions without a loop.
  void run(llvm::Module& module, bool straight_line) {
    if (opt_ == 0) return;
    if (opt_ == 1) {
      for (llvm::Function& f : module)
        if (!f.isDeclaration()) {
          if (straight_line) {
            straight_fpm_.run(f, fam_);
          } else {
            fpm_.run(f, fam_);
            tidy_w_op_shifts(f);
          }
        }
    } else {
      llvm::ModulePassManager mpm =
          pb_.buildPerModuleDefaultPipeline(opt_ == 2 ? llvm::OptimizationLevel::O2 : llvm::OptimizationLevel::O3);
      mpm.run(module, mam_);
    }
    // Cached analyses point into this module, which is about to be handed
    // to the JIT.
    lam_.clear();
    fam_.clear();
    cgam_.clear();
    mam_.clear();
  }

 private:
  unsigned opt_;
  llvm::LoopAnalysisManager lam_;
  llvm::FunctionAnalysisManager fam_;
  llvm::CGSCCAnalysisManager cgam_;
  llvm::ModuleAnalysisManager mam_;
  llvm::PassBuilder pb_;
  llvm::FunctionPassManager fpm_;
  llvm::FunctionPassManager straight_fpm_;
};

// Compiles modules to object files through one code generation pipeline,
// built once; ORC's SimpleCompiler builds one for every module, and building
// it (addPassesToEmitMC: a hundred passes scheduled, their analyses
// resolved) was 7% of a loop region's compile. The legacy pass manager
// runs its passes' doInitialization and doFinalization around every
// module; the asm printer finishes and resets its object streamer there,
// and MachineModuleInfo resets the MC context, so nothing of one module
// reaches the next (the instructions emitted for int_mix's first 178
// regions under --engine jit are the same as before). Measured on the
// shared 2-core VM: LLVM's instructions per region (callgrind) -33% for a
// 2-instruction loop, -8 to -13% for jit_compile/loop's; wall time,
// interleaved best of 5: jit_compile small -17%, medium -12%, large -5%,
// loop/hot_loop -26%, loop/mixed -18%, loop/fp -10%.
//
// The pipelines read the instruction selector's choice (FastISel or
// SelectionDAG) and the optimisation level from the target machine as they
// run, so one target machine serves every kind of region, each module
// through the pipeline its name asks for: kStraightLineModule through one
// built at level None (FastISel, fast register allocator), the rest through
// the main one, kSelectionDagModule with SelectionDAG, others with FastISel.
constexpr const char* kSelectionDagModule = "vm_regions_selection_dag";
constexpr const char* kStraightLineModule = "vm_regions_straight_line";

class ReusedPipelineCompiler : public llvm::orc::IRCompileLayer::IRCompiler {
 public:
  // The main pipeline at the target machine's level; with `straight_line`,
  // the level-None one too.
  static llvm::Expected<std::unique_ptr<ReusedPipelineCompiler>> create(std::unique_ptr<llvm::TargetMachine> tm,
                                                                        bool straight_line) {
    std::unique_ptr<ReusedPipelineCompiler> c(new ReusedPipelineCompiler(std::move(tm)));
    if (llvm::Error e = c->build(c->passes_)) return e;
    if (straight_line) {
      c->tm_->setOptLevel(llvm::CodeGenOpt::None);
      if (llvm::Error e = c->build(c->straight_line_passes_)) return e;
      c->tm_->setOptLevel(c->level_);
    }
    return c;
  }

  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> operator()(llvm::Module& module) override {
    object_.clear();
    const std::string& name = module.getModuleIdentifier();
    if (name == kStraightLineModule) {  // only at level 1, which built that pipeline
      tm_->setOptLevel(llvm::CodeGenOpt::None);
      tm_->setFastISel(true);
      straight_line_passes_.run(module);
    } else {
      tm_->setOptLevel(level_);
      tm_->setFastISel(name != kSelectionDagModule);
      passes_.run(module);
    }
    return std::make_unique<llvm::SmallVectorMemoryBuffer>(std::move(object_), name + ".o",
                                                           /*RequiresNullTerminator=*/false);
  }

 private:
  explicit ReusedPipelineCompiler(std::unique_ptr<llvm::TargetMachine> tm)
      : IRCompiler(llvm::orc::irManglingOptionsFromTargetOptions(tm->Options)),
        tm_(std::move(tm)),
        level_(tm_->getOptLevel()),
        stream_(object_) {}

  llvm::Error build(llvm::legacy::PassManager& passes) {
    llvm::MCContext* mc = nullptr;
    if (tm_->addPassesToEmitMC(passes, mc, stream_))
      return llvm::make_error<llvm::StringError>("the target cannot emit machine code", llvm::inconvertibleErrorCode());
    return llvm::Error::success();
  }

  std::unique_ptr<llvm::TargetMachine> tm_;
  llvm::CodeGenOpt::Level level_;
  llvm::SmallVector<char, 0> object_;
  llvm::raw_svector_ostream stream_;
  llvm::legacy::PassManager passes_;
  llvm::legacy::PassManager straight_line_passes_;
};

}  // namespace

// Level 1 compiles three kinds of region differently. Regions with a loop
// go through the greedy register allocator (the fast one spills every
// loop-carried value to the stack, which costs on every iteration), small
// ones also through SelectionDAG (see kDagMaxInsns); straight-line regions
// run once per entry, so they take the cheapest code generation (FastISel,
// fast register allocator: the level-None pipeline), 2-3x faster.
//
// All three share one LLJIT and one target machine, the pipeline and
// selector picked per module (ReusedPipelineCompiler), rather than a code
// generator each: every code generator paid for its own LLJIT and
// pipeline when the tier started, and for its own target subtarget
// (X86Subtarget, ~5 M host instructions of feature-bit expansion) and cold
// caches at its first compile. The first small loop now follows the chain
// routines' compile in the same code generator. Measured (callgrind): the
// tier's set-up 16.1 -> 12.8 M instructions with the two loop code
// generators merged, 11.5 M with the straight-line one too; the first
// small loop's compile 20.3 -> 17.5 M. Tiered `--stats`, median of 7 runs
// each, interleaved, loops merged: compile total int_mix 18.6 -> 15.0 ms
// (median region 4.6 -> 3.5 ms), memory 36.6 -> 33.0, fp_nbody 60.0 ->
// 53.3. With the loops merged the generated code ran exactly as many host
// instructions as before on all five workloads (callgrind, --engine jit);
// with the straight-line pipeline on the shared target too, 700-1800 more
// per run (its X86TargetLowering is now the one built at level 1, as for
// an optnone function in an optimised module). Wall times within the
// noise.
//
// A loop of up to this many guest instructions is selected by SelectionDAG
// rather than FastISel: its code is tighter (alu_loop's iteration 25 host
// instructions instead of 27, with adc for sltu and lea for 32-bit adds)
// and a small region's compile stays small. Measured on the shared 2-core
// VM, tiered, interleaved best-of-3 against FastISel everywhere: alu_loop
// -20% and -28%, int_mix -4% and -15%, memory, branchy and fp_nbody within
// the noise. SelectionDAG on every region cost 1.5-2x the compile time,
// which delayed fp_nbody's 300-instruction region by ~100 ms.
constexpr std::size_t kDagMaxInsns = 64;

struct BlockCompiler::Impl {
  std::unique_ptr<llvm::orc::LLJIT> jit;
  std::unordered_map<std::string, std::uint64_t> symbol_sizes;  // from the emitted objects
  unsigned opt_level = 0;
  std::uint64_t next_id = 0;
  ChainStubs stubs;
  std::unique_ptr<Optimiser> optimiser;

  vm::Result<std::unique_ptr<llvm::orc::LLJIT>> make_jit(llvm::CodeGenOpt::Level level, bool straight_line) {
    auto jtmb = llvm::orc::JITTargetMachineBuilder::detectHost();
    if (!jtmb) return (to_vm_error(jtmb.takeError(), "detecting the host target"));
    jtmb->setCodeGenOptLevel(level);
    // FastISel wherever the module asks for it (LLVM picks it only at
    // None): ReusedPipelineCompiler.
    auto compiler = [straight_line](llvm::orc::JITTargetMachineBuilder builder)
        -> llvm::Expected<std::unique_ptr<llvm::orc::IRCompileLayer::IRCompiler>> {
      auto tm = builder.createTargetMachine();
      if (!tm) return tm.takeError();
      auto compiler = ReusedPipelineCompiler::create(std::move(*tm), straight_line);
      if (!compiler) return compiler.takeError();
      return std::unique_ptr<llvm::orc::IRCompileLayer::IRCompiler>(std::move(*compiler));
    };
    auto jit = llvm::orc::LLJITBuilder()
                   .setJITTargetMachineBuilder(std::move(*jtmb))
                   .setCompileFunctionCreator(std::move(compiler))
                   .create();
    if (!jit) return (to_vm_error(jit.takeError(), "creating LLJIT"));
    // Records each function's size from the object file (for perf maps).
    (*jit)->getObjTransformLayer().setTransform(
        [this](std::unique_ptr<llvm::MemoryBuffer> object) -> llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> {
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
              symbol_sizes[name->str()] = llvm::object::ELFSymbolRef(sym).getSize();
          }
          return object;
        });
    return std::move(*jit);
  }

  // Builds a module named `name` with `fill`, checks it, optimises it when
  // asked (region code) and adds it to the JIT.
  vm::Result<void> add_module(const char* name, const std::function<void(llvm::Module&)>& fill, bool optimise) {
    auto context = std::make_unique<llvm::LLVMContext>();
    auto module = std::make_unique<llvm::Module>(name, *context);
    module->setDataLayout(jit->getDataLayout());
    module->setTargetTriple(jit->getTargetTriple().str());
    fill(*module);
    std::string problems;
    llvm::raw_string_ostream problem_stream(problems);
    if (llvm::verifyModule(*module, &problem_stream))
      return vm::make_error(vm::ErrorCode::kInternal,
                            fmt::format("LLVM JIT: {} is invalid IR: {}", name, problem_stream.str()));
    if (optimise) optimiser->run(*module, /*straight_line=*/std::string_view(name) == kStraightLineModule);
    // For engine developers: the optimised IR of every module on stderr.
    static const bool dump_ir = std::getenv("VM_JIT_DUMP_IR") != nullptr;
    if (dump_ir) module->print(llvm::errs(), nullptr);
    if (llvm::Error e = jit->addIRModule(llvm::orc::ThreadSafeModule(std::move(module), std::move(context))))
      return (to_vm_error(std::move(e), "adding a module"));
    return {};
  }

  // Lowers, optimises and adds one module of regions; appends the
  // functions' names.
  vm::Result<void> add(const char* module_name, const std::vector<const Region*>& regions,
                       std::vector<std::string>& names) {
    const auto lower = [&](llvm::Module& module) {
      for (const Region* region : regions) {
        names.push_back(fmt::format("vm_region_{:x}_{}", region->entry_pc(), next_id++));
        lower_region(*region, module, names.back(), stubs);
      }
    };
    return add_module(module_name, lower, /*optimise=*/true);
  }

  // Compiles the routines every exit tail-calls (chain_stubs.hpp) into
  // `jit`, once per compiler, before any region. As the process's first
  // LLVM compile it took 2.5-2.8 ms (alu_loop --engine jit, 5 runs), and
  // it made the tier's set-up (loading included) ~3 ms longer before the
  // first region compiled, whose own compile time did not change
  // measurably: a tiered run waits that much longer for its first region,
  // a jit-mode run starts that much later.
  vm::Result<void> add_chain_stubs_to_jit() {
    VM_TRY_VOID(add_module("vm_chain_stubs", add_chain_stubs, /*optimise=*/false));
    auto direct = jit->lookup(kChainDirectName);
    if (!direct) return (to_vm_error(direct.takeError(), "compiling the chain routines"));
    auto indirect = jit->lookup(kChainIndirectName);
    if (!indirect) return (to_vm_error(indirect.takeError(), "compiling the chain routines"));
    stubs = ChainStubs{direct->getValue(), indirect->getValue()};
    return {};
  }
};

BlockCompiler::BlockCompiler(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BlockCompiler::~BlockCompiler() = default;

vm::Result<std::unique_ptr<BlockCompiler>> BlockCompiler::create(unsigned opt_level) {
  initialise_llvm_once();
  auto impl = std::make_unique<Impl>();
  impl->opt_level = opt_level > 3 ? 3 : opt_level;
  impl->optimiser = std::make_unique<Optimiser>(impl->opt_level);
  auto jit = impl->make_jit(codegen_level(impl->opt_level), /*straight_line=*/impl->opt_level == 1);
  if (!jit) return vm::make_error(jit.error().code(), jit.error().message());
  impl->jit = std::move(*jit);
  if (auto stubs = impl->add_chain_stubs_to_jit(); !stubs)
    return vm::make_error(stubs.error().code(), stubs.error().message());
  return std::unique_ptr<BlockCompiler>(new BlockCompiler(std::move(impl)));
}

vm::Result<std::vector<CompiledBlock>> BlockCompiler::compile(const std::vector<const Region*>& regions) {
  // One module per pipeline and selector (see Impl and
  // ReusedPipelineCompiler); levels other than 1 put every region in the
  // first.
  constexpr int kGroups = 3;
  const char* module_names[kGroups] = {"vm_regions", kStraightLineModule, kSelectionDagModule};
  std::vector<int> group_of;
  std::vector<const Region*> groups[kGroups];
  const bool level1 = impl_->opt_level == 1;
  for (const Region* r : regions) {
    int g = 0;
    if (level1 && !r->has_loop) g = 1;
    if (level1 && r->has_loop && r->guest_insn_count() <= kDagMaxInsns) g = 2;
    group_of.push_back(g);
    groups[g].push_back(r);
  }
  std::vector<std::string> names[kGroups];
  for (int g = 0; g < kGroups; ++g)
    if (!groups[g].empty()) VM_TRY_VOID(impl_->add(module_names[g], groups[g], names[g]));
  std::vector<CompiledBlock> out(regions.size());
  std::size_t next[kGroups] = {0, 0, 0};
  for (std::size_t i = 0; i < regions.size(); ++i) {
    const int g = group_of[i];
    const std::string& name = names[g][next[g]++];
    auto address = impl_->jit->lookup(name);
    if (!address) return (to_vm_error(address.takeError(), "looking up a compiled region"));
    auto size = impl_->symbol_sizes.find(name);
    out[i] = CompiledBlock{address->toPtr<BlockFn>(), size == impl_->symbol_sizes.end() ? 0 : size->second};
    if (size != impl_->symbol_sizes.end()) impl_->symbol_sizes.erase(size);
  }
  return out;
}

}  // namespace vm::engine::jit
