// Random lockstep run of vm's interpreter against Unicorn. CI runs 10^5
// instructions; VM_LOCKSTEP_COUNT=N runs N (millions for a soak) and
// VM_LOCKSTEP_SEED=S replays a run (VM_LOCKSTEP_SEED=random picks one).
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <random>
#include <string>

#include <fmt/format.h>

#include "insn_classes.hpp"
#include "random_run.hpp"

namespace {

using namespace vm::lockstep;
namespace rv = vm::cross_arch::riscv;

constexpr std::uint64_t kDefaultCount = 100000;
constexpr std::uint64_t kDefaultSeed = 0x5eed2024;

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* text = std::getenv(name);
  if (!text || !*text) return fallback;
  if (std::string(text) == "random") return std::random_device{}() ^ (std::uint64_t{std::random_device{}()} << 32);
  return std::strtoull(text, nullptr, 0);
}

TEST_CASE("random instruction streams run identically in vm and Unicorn", "[lockstep]") {
  RandomRunOptions options;
  options.seed = env_number("VM_LOCKSTEP_SEED", kDefaultSeed);
  options.count = env_number("VM_LOCKSTEP_COUNT", kDefaultCount);
  fmt::print("lockstep: seed {:#x}, {} instructions (replay with VM_LOCKSTEP_SEED={:#x})\n", options.seed,
             options.count, options.seed);
  const auto start = std::chrono::steady_clock::now();
  auto run = run_random(options);
  REQUIRE(run.has_value());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print("lockstep: {} instructions ({} compressed, {} trapped in both, branches {} taken {} not) in {:.2f} s\n",
             run->executed, run->compressed, run->trapped, run->branches_taken, run->branches_not_taken, seconds);
  if (run->mismatch) FAIL(fmt::format("seed {:#x}\n{}", options.seed, *run->mismatch));
  CHECK(run->executed == options.count);

  // The generator must reach every instruction it is allowed to produce, or
  // the run proves less than it claims.
  if (options.count >= kDefaultCount) {
    std::string never;
    for (std::size_t i = 1; i < rv::kInsnCount; ++i) {
      const auto id = static_cast<rv::InsnId>(i);
      if (classify(id) != InsnClass::kExcluded && run->retired_by_insn[i] == 0)
        never += std::string(rv::insn_info(id).mnemonic) + " ";
    }
    INFO("never retired: " << never);
    CHECK(never.empty());
    CHECK(run->compressed > options.count / 10);
    CHECK(run->branches_taken > 100);
    CHECK(run->branches_not_taken > 100);
    std::string missing_groups;
    for (unsigned group = 0; group < run->compressed_by_group.size(); ++group) {
      const bool reserved = group == 4;  // quadrant 0, funct3 100
      if (!reserved && run->compressed_by_group[group] == 0)
        missing_groups += fmt::format("q{}/funct3={} ", group / 8, group % 8);
    }
    INFO("16-bit groups never retired: " << missing_groups);
    CHECK(missing_groups.empty());
  }
}

}  // namespace
