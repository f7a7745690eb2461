#include "run_command.hpp"

#include <unistd.h>

#include <fmt/core.h>
#include <charconv>
#include <cstdio>
#include <map>

#include "in_asm_trace.hpp"
#include "vm/core/config.hpp"
#include "vm/engine/linux/process.hpp"
#include "vm/engine/user_mode.hpp"

extern char** environ;

namespace vm::tools {
namespace {

// The guest inherits the host environment, as under qemu-user, with -U
// removals and -E additions applied in order.
std::vector<std::string> guest_environment(const RunArgs& args) {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    const auto eq = entry.find('=');
    if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const std::string& name : args.unset_env) env.erase(name);
  for (const std::string& assignment : args.set_env) {
    const auto eq = assignment.find('=');
    env[assignment.substr(0, eq)] = eq == std::string::npos ? "" : assignment.substr(eq + 1);
  }
  std::vector<std::string> out;
  out.reserve(env.size());
  for (const auto& [name, value] : env) out.push_back(name + "=" + value);
  return out;
}

// --seed wins over [user] seed; neither means the host's entropy. Both are
// strings parsed here, so both accept exactly 0..2^64-1 in decimal.
vm::Result<std::optional<std::uint64_t>> guest_random_seed(const RunArgs& args, const core::Config& config) {
  const bool from_flag = !args.seed.empty();
  const std::string& text = from_flag ? args.seed : config.user.seed;
  if (text.empty()) return std::optional<std::uint64_t>{};
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("{}: \"{}\" is not a decimal number in 0..18446744073709551615",
                                  from_flag ? "--seed" : args.config_path + ": user.seed", text));
  }
  return std::optional<std::uint64_t>{value};
}

int exit_code_for(const vm::Error& error) { return error.code() == vm::ErrorCode::kNotFound ? 127 : 1; }

void print_stats(const engine::UserRunResult& r, const std::string& engine) {
  const double mips = r.seconds > 0 ? static_cast<double>(r.instructions) / r.seconds / 1e6 : 0.0;
  fmt::print(stderr,
             "vm: stats\n"
             "  engine: {}\n"
             "  instructions: {}\n"
             "  wall time: {:.6f} s\n"
             "  MIPS: {:.1f}\n"
             "  blocks translated: {}\n"
             "  syscalls: {}\n"
             "  code cache flushes: {}\n"
             "  exit status: {}\n",
             engine, r.instructions, r.seconds, mips, r.blocks_translated, r.syscalls, r.cache_flushes, r.exit_status);
  if (!r.has_jit_stats) return;
  const engine::JitStats& j = r.jit;
  const double total = static_cast<double>(j.insns_compiled_code + j.insns_interpreted);
  // The baseline tier's blocks, then its regions.
  const auto print_baseline = [](const char* what, std::uint64_t count, std::uint64_t bytes, double total,
                                 double median, double p99) {
    if (count == 0) return;
    fmt::print(stderr,
               "  baseline {}s: {} ({} KiB of code)\n"
               "  baseline {} compile time: total {:.3f} ms, median {:.1f} us, p99 {:.1f} us\n",
               what, count, bytes / 1024, what, total * 1e3, median * 1e6, p99 * 1e6);
  };
  print_baseline("block", j.baseline_blocks, j.baseline_code_bytes, j.baseline_seconds_total, j.baseline_seconds_median,
                 j.baseline_seconds_p99);
  print_baseline("region", j.baseline_regions, j.baseline_region_code_bytes, j.baseline_region_seconds_total,
                 j.baseline_region_seconds_median, j.baseline_region_seconds_p99);
  fmt::print(stderr,
             "  blocks compiled: {} ({} failed, {} guest instructions)\n"
             "  compile time: total {:.3f} ms, median {:.3f} ms, p99 {:.3f} ms\n"
             "  instructions in compiled code: {} ({:.1f}%), interpreted: {}\n"
             "  entries into compiled code: {} ({} into LLVM code)\n"
             "  slow-access exits: {}\n",
             j.blocks_compiled, j.compile_failures, j.region_guest_insns, j.compile_seconds_total * 1e3,
             j.compile_seconds_median * 1e3, j.compile_seconds_p99 * 1e3, j.insns_compiled_code,
             total > 0 ? 100.0 * static_cast<double>(j.insns_compiled_code) / total : 0.0, j.insns_interpreted,
             j.compiled_code_entries, j.optimized_code_entries, j.slow_access_exits);
  if (j.assumption_failures > 0)
    fmt::print(stderr, "  regions dropped for a failed assumption: {}\n", j.assumption_failures);
}

}  // namespace

int run_command(const RunArgs& args) {
  core::Config config;
  if (!args.config_path.empty()) {
    auto loaded = core::load_config(args.config_path);
    if (!loaded) {
      fmt::print(stderr, "vm: {}\n", loaded.error().message());
      return 1;
    }
    config = std::move(*loaded);
  }
  const std::string engine_name = args.engine.empty() ? config.engine.engine : args.engine;
  auto engine = engine::parse_engine_kind(engine_name);
  if (!engine) {
    fmt::print(stderr, "vm: --engine: {}\n", engine.error().message());
    return 1;
  }
  bool in_asm = args.trace;
  for (const std::string& item : args.debug) {
    if (item == "in_asm") {
      in_asm = true;
    } else {
      fmt::print(stderr, "vm: -d: unknown debug item '{}' (supported: in_asm)\n", item);
      return 1;
    }
  }

  auto seed = guest_random_seed(args, config);
  if (!seed) {
    fmt::print(stderr, "vm: {}\n", seed.error().message());
    return 1;
  }

  engine::linux_user::ProcessOptions options;
  options.exe_path = args.guest.front();
  options.argv = args.guest;
  options.envp = guest_environment(args);
  options.stack_size = config.user.stack_size;
  options.va_bits = config.user.va_bits;
  options.strace = args.strace ? stderr : nullptr;
  options.random_seed = *seed;
  auto process = engine::linux_user::Process::create(options);
  if (!process) {
    fmt::print(stderr, "vm: {}\n", process.error().message());
    return exit_code_for(process.error());
  }

  auto perf = PerfSession::start(args.perf, config.perf);
  if (!perf) {
    fmt::print(stderr, "vm: {}\n", perf.error().message());
    return 1;
  }
  engine::UserRunOptions run_options;
  run_options.perf = *perf ? (*perf)->monitor() : nullptr;
  run_options.engine = *engine;
  run_options.max_block_insns = config.engine.max_block_insns;
  // Command-line flags override the [engine] table of the config file.
  run_options.jit.threshold = config.engine.jit_threshold;
  run_options.jit.opt_level = config.engine.jit_opt_level;
  run_options.jit.threads = config.engine.jit_threads;
  run_options.jit.baseline_threshold = config.engine.baseline_threshold;
  if (args.baseline_threshold >= 0) run_options.jit.baseline_threshold = static_cast<unsigned>(args.baseline_threshold);
  run_options.jit.baseline = run_options.jit.baseline_threshold > 0;
  if (args.jit_threshold > 0) run_options.jit.threshold = static_cast<unsigned>(args.jit_threshold);
  if (args.jit_opt >= 0) run_options.jit.opt_level = static_cast<unsigned>(args.jit_opt);
  if (args.jit_threads > 0) run_options.jit.threads = static_cast<unsigned>(args.jit_threads);
  run_options.jit.perf_map = args.perf_map;
  // main ends `vm run` with std::_Exit, so the engine need not wait for a
  // compile under way when the guest exits.
  run_options.jit.abandon_compiles_at_exit = true;
  if (in_asm) {
    const mem::UserAddressSpace& memory = (*process)->memory();
    run_options.on_translate = [&memory](const cross_arch::ir::Block& block) {
      print_block_disassembly(stderr, memory, block);
    };
  }
  const engine::UserRunResult result = engine::run_user_program(**process, run_options);
  std::fflush(stdout);
  if (args.stats) print_stats(result, engine_name);
  if (*perf && !(*perf)->finish()) return 1;
  return result.exit_status;
}

}  // namespace vm::tools
