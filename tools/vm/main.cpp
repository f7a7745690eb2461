// vm: the launcher. `vm run PROGRAM [ARGS...]` runs a static RISC-V Linux
// program like qemu-riscv64 does; see `vm --help`.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>

#include "perf_command.hpp"
#include "run_command.hpp"

#ifndef VM_VERSION_STRING
#define VM_VERSION_STRING "unknown"
#endif

int main(int argc, char** argv) {
  CLI::App app{"vm: a modular RISC-V (RV64GC) virtual machine"};
  app.set_version_flag("--version", std::string("vm ") + VM_VERSION_STRING);
  app.require_subcommand(1);
  app.footer("Example: vm run --stats ./hello arg1 arg2");

  vm::tools::RunArgs run_args;
  CLI::App* run = app.add_subcommand("run", "Run a static RISC-V 64 Linux program (like qemu-riscv64)");
  run->add_flag("--strace", run_args.strace, "Log each guest syscall, decoded, on stderr");
  run->add_option("-d", run_args.debug, "Debug output: in_asm (disassemble blocks as translated)")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->type_name("ITEM[,ITEM]");
  run->add_flag("--trace", run_args.trace, "Same as -d in_asm");
  run->add_flag("--stats", run_args.stats, "Print retired instructions, wall time, MIPS and blocks translated on exit");
  run->add_option("--engine", run_args.engine,
                  "Execution engine: tiered (default: interpret, then baseline-compile warm code and LLVM-compile hot "
                  "code), jit (LLVM-compile everything), baseline (baseline-compile everything) or interp")
      ->type_name("ENGINE");
  run->add_option("--jit-threshold", run_args.jit_threshold, "tiered: block executions before LLVM compiles it")
      ->check(CLI::Range(1, 1 << 30));
  run->add_option("--baseline-threshold", run_args.baseline_threshold,
                  "tiered: block executions before the baseline tier compiles it (0: no baseline tier)")
      ->check(CLI::Range(0, 1 << 30));
  run->add_option("--jit-opt", run_args.jit_opt, "LLVM optimisation level 0..3")->check(CLI::Range(0, 3));
  run->add_option("--jit-threads", run_args.jit_threads, "tiered: background compiler threads")
      ->check(CLI::Range(1, 64));
  run->add_option("--seed", run_args.seed,
                  "Seed the guest's randomness (getrandom, AT_RANDOM) so runs repeat exactly; N is 0..2^64-1")
      ->type_name("N");
  run->add_flag("--perf-map", run_args.perf_map, "Write /tmp/perf-PID.map naming compiled blocks by guest pc");
  vm::tools::add_perf_run_options(*run, run_args.perf);
  run->add_option("--config", run_args.config_path, "TOML configuration file")->type_name("FILE");
  run->add_option("-E", run_args.set_env, "Set VAR=value in the guest environment (repeatable)")
      ->type_name("VAR=value")
      ->allow_extra_args(false);
  run->add_option("-U", run_args.unset_env, "Remove VAR from the guest environment (repeatable)")
      ->type_name("VAR")
      ->allow_extra_args(false);
  // Everything from PROGRAM on belongs to the guest, options included.
  run->prefix_command();
  vm::tools::PerfCommandArgs perf_args;
  const vm::tools::PerfCommand perf = vm::tools::add_perf_command(app, perf_args);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (run->parsed()) {
    run_args.guest = run->remaining();
    if (!run_args.guest.empty() && run_args.guest.front().starts_with("-")) {
      fmt::print(stderr, "vm run: unknown option '{}' (try 'vm run --help')\n", run_args.guest.front());
      return 1;
    }
    if (run_args.guest.empty()) {
      fmt::print(stderr, "vm run: missing PROGRAM (try 'vm run --help')\n");
      return 1;
    }
    // Like qemu-user's exit_group: no static destructors, so a compiler
    // thread still inside LLVM (abandon_compiles_at_exit) cannot race them.
    const int status = vm::tools::run_command(run_args);
    std::fflush(nullptr);
    std::_Exit(status);
  }
  if (perf.perf->parsed()) return vm::tools::run_perf_command(perf, perf_args);
  return 0;
}
