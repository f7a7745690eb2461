#include "jit/llvm_tier.hpp"

#include <dlfcn.h>

#include <atomic>
#include <cstdlib>
#include <string>

namespace vm::engine::jit {

namespace {

using Factory = decltype(&vm_engine_llvm_create_compiler_v1);

std::atomic<bool> g_loaded{false};

struct LoadedModule {
  Factory factory = nullptr;
  std::string error;  // why factory is null
};

LoadedModule load_module() {
  LoadedModule loaded;
  const std::string path = llvm_module_path();
  // RTLD_LOCAL: LLVM's symbols stay out of the global scope, where they
  // could interpose on an embedder's own (different) LLVM.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    std::string reason = why ? why : "unknown dlopen error";
    if (reason.find(path) == std::string::npos) reason = path + ": " + reason;  // dlerror() usually names it
    loaded.error = "cannot load the LLVM JIT tier " + reason;
    return loaded;
  }
  // Never dlclose'd: compiled code, LLVM's global state and the compilers'
  // vtables all live in it until the process ends.
  dlerror();
  void* symbol = dlsym(handle, VM_ENGINE_LLVM_FACTORY_NAME);
  if (!symbol) {
    const char* why = dlerror();
    loaded.error = "the LLVM JIT tier " + path + " is not this vm's version (" +
                   (why ? why : "no " VM_ENGINE_LLVM_FACTORY_NAME) + ")";
    return loaded;
  }
  loaded.factory = reinterpret_cast<Factory>(symbol);
  g_loaded.store(true, std::memory_order_release);
  return loaded;
}

}  // namespace

std::string llvm_module_path() {
  if (const char* forced = std::getenv(kLlvmModuleEnv); forced && *forced) return forced;
  // The directory libvm-engine itself was loaded from, so the build tree,
  // an install prefix and a relocated tree all find their own module.
  Dl_info info{};
  if (dladdr(reinterpret_cast<const void*>(&llvm_module_path), &info) && info.dli_fname) {
    const std::string self = info.dli_fname;
    const std::size_t slash = self.rfind('/');
    if (slash != std::string::npos) return self.substr(0, slash + 1) + kLlvmModuleFile;
  }
  return kLlvmModuleFile;  // the dynamic loader's search path
}

bool llvm_tier_loaded() noexcept { return g_loaded.load(std::memory_order_acquire); }

vm::Result<std::unique_ptr<RegionCompiler>> create_llvm_compiler(unsigned opt_level) {
  static const LoadedModule loaded = load_module();  // thread-safe, once per process
  if (!loaded.factory) return vm::make_error(vm::ErrorCode::kNotFound, loaded.error);
  std::string error;
  RegionCompiler* compiler = loaded.factory(opt_level, &error);
  if (!compiler) return vm::make_error(vm::ErrorCode::kInternal, error);
  return std::unique_ptr<RegionCompiler>(compiler);
}

}  // namespace vm::engine::jit
