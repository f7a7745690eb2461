// The benchmark groups of bench_vm_engine beyond the interpreter cases in
// bench_vm_engine.cpp; main() registers them all before running.
#pragma once

namespace vm::bench_engine {

void register_jit_compile_benchmarks();    // engine/jit_compile/...
void register_jit_vs_interp_benchmarks();  // engine/jit_vs_interp/...

}  // namespace vm::bench_engine
