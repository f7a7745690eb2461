// The entry point of libvm-engine-llvm.so, the LLVM compiler tier that
// libvm-engine loads on first need (jit/llvm_tier.hpp): a RegionCompiler
// over BlockCompiler. This module is the only code that links libLLVM.
#include <exception>
#include <memory>
#include <string>
#include <utility>

#include "jit/block_compiler.hpp"
#include "jit/llvm_tier.hpp"

namespace vm::engine::jit {
namespace {

class LlvmRegionCompiler final : public RegionCompiler {
 public:
  explicit LlvmRegionCompiler(std::unique_ptr<BlockCompiler> compiler) : compiler_(std::move(compiler)) {}
  vm::Result<std::vector<CompiledBlock>> compile(const std::vector<const Region*>& regions) override {
    return compiler_->compile(regions);
  }

 private:
  std::unique_ptr<BlockCompiler> compiler_;
};

}  // namespace
}  // namespace vm::engine::jit

// The module is built with hidden visibility like every vm library: this is
// its one exported symbol.
extern "C" __attribute__((visibility("default"))) vm::engine::jit::RegionCompiler* vm_engine_llvm_create_compiler_v1(
    unsigned opt_level, std::string* error) noexcept {
  using vm::engine::jit::BlockCompiler;
  try {
    auto compiler = BlockCompiler::create(opt_level);
    if (!compiler) {
      *error = compiler.error().message();
      return nullptr;
    }
    return new vm::engine::jit::LlvmRegionCompiler(std::move(*compiler));
  } catch (const std::exception& e) {  // nothing may unwind into the engine through a C entry point
    *error = std::string("creating the LLVM JIT: ") + e.what();
    return nullptr;
  }
}
