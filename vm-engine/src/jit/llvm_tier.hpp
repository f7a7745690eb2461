// Loading the LLVM compiler tier on first need. LLVM lives in its own module,
// libvm-engine-llvm.so, installed next to libvm-engine: libLLVM and its
// dependencies cost more than the rest of start-up together (the dynamic
// loader maps and relocates them), and most short runs never compile a
// region.
#pragma once

#include <memory>
#include <string>

#include "jit/region_compiler.hpp"
#include "vm/core/result.hpp"

// The module's one entry point, looked up with dlsym. The suffix is the ABI
// version of RegionCompiler and of this signature: bump it on any change so
// a stale module is refused rather than misused. Returns null and sets
// *error on failure; never throws.
extern "C" vm::engine::jit::RegionCompiler* vm_engine_llvm_create_compiler_v1(unsigned opt_level,
                                                                              std::string* error) noexcept;
#define VM_ENGINE_LLVM_FACTORY_NAME "vm_engine_llvm_create_compiler_v1"

namespace vm::engine::jit {

inline constexpr char kLlvmModuleFile[] = "libvm-engine-llvm.so";
// Overrides where the module is loaded from (packaging, tests).
inline constexpr char kLlvmModuleEnv[] = "VM_ENGINE_LLVM_MODULE";

// The file the module is loaded from: $VM_ENGINE_LLVM_MODULE, else
// kLlvmModuleFile in the directory libvm-engine was loaded from.
std::string llvm_module_path();

// Loads the module on the first call (thread-safe; concurrent callers wait
// for that load, and its outcome, failure included, is kept for the
// process) and creates a compiler at opt_level 0..3. Fails with a message
// naming the module file and the dynamic loader's reason.
vm::Result<std::unique_ptr<RegionCompiler>> create_llvm_compiler(unsigned opt_level);

// Whether this process has loaded the module (creating another compiler is
// then cheap).
bool llvm_tier_loaded() noexcept;

}  // namespace vm::engine::jit
