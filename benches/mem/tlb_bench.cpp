// mem/tlb/*, mem/walk/*, mem/flush/*, mem/batch/*: translation speed with
// the TLB hot, cold and mixed, raw page walks, sfence cost, batch threads.
#include <chrono>
#include <mutex>

#include <benchmark/benchmark.h>

#include "bench_system.hpp"

namespace mem_bench {
namespace {

BenchSystem& shared_system() {
  static BenchSystem system;
  return system;
}

void report(benchmark::State& state, const Mmu& mmu, std::uint64_t translations) {
  state.counters["hit_rate"] = mmu.tlb().counters().hit_rate();
  state.counters["walks"] = static_cast<double>(mmu.tlb().counters().walks);
  state.counters["superpage_refills"] = static_cast<double>(mmu.tlb().counters().superpage_refills);
  state.counters["ns_per_translation"] =
      benchmark::Counter(static_cast<double>(translations), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// Eight translations per iteration (so the harness's per-iteration cost
// is shared), cycling through addrs (size a power of two, >= 8).
void run_translations(benchmark::State& state, Mmu& mmu, const std::vector<GuestVirtAddr>& addrs) {
  constexpr std::size_t kUnroll = 8;
  const std::size_t mask = addrs.size() - 1;
  std::size_t i = 0;
  for (auto _ : state) {
    std::uint64_t sum = 0;
    for (std::size_t k = 0; k < kUnroll; ++k) {
      Translation t = mmu.translate(addrs[(i + k) & mask], AccessType::kLoad);
      sum += t.pa.value();
    }
    i += kUnroll;
    benchmark::DoNotOptimize(sum);
  }
  report(state, mmu, state.iterations() * kUnroll);
}

void tlb_hot(benchmark::State& state, std::uint64_t base) {
  auto mmu = shared_system().make_mmu();
  auto addrs = spread_addresses(base, 64 * kPageSize, 64);  // fits in the TLB
  for (auto va : addrs) (void)mmu->translate(va, AccessType::kLoad);
  mmu->tlb().reset_counters();
  run_translations(state, *mmu, addrs);
}

// 2048 distinct pages through a 256-entry TLB: 4 KiB pages walk every time;
// superpages refill from the superpage array. The cold 4 KiB case uses
// 2048 consecutive pages (16 KiB of leaf PTEs: page tables in cache).
void tlb_spread(benchmark::State& state, std::uint64_t base) {
  auto mmu = shared_system().make_mmu();
  const std::uint64_t span = base == kVa4k ? 2048 * kPageSize : kWindow;
  run_translations(state, *mmu, spread_addresses(base, span, 2048));
}

void tlb_mixed(benchmark::State& state) {
  auto mmu = shared_system().make_mmu();
  auto hot = spread_addresses(kVa4k, 32 * kPageSize, 32);
  auto cold = spread_addresses(kVa4k + (32 << 20), 32 << 20, 2048);
  std::vector<GuestVirtAddr> addrs;
  for (std::size_t i = 0; i < 4096; ++i) addrs.push_back(i % 10 == 9 ? cold[i % cold.size()] : hot[i % hot.size()]);
  run_translations(state, *mmu, addrs);
}

void walk_only(benchmark::State& state, SatpMode mode) {
  static BenchSystem sv48(SatpMode::kSv48);
  BenchSystem& sys = mode == SatpMode::kSv48 ? sv48 : shared_system();
  PageWalker walker(*sys.bus);
  const MmuContext ctx = sys.context();
  auto addrs = spread_addresses(kVa4k, 512 * kPageSize, 512);  // tables stay in cache
  std::size_t i = 0;
  for (auto _ : state) {
    WalkResult r = walker.walk(addrs[i++ & 511], AccessType::kLoad, ctx);
    benchmark::DoNotOptimize(r);
  }
}

enum class FlushForm { kAll, kAsid, kPage, kPageAsid };

// Fills the TLB (256 entries) with 256 pages, then times only a run of 64
// sfences (per-address forms on 64 different cached pages); the reported
// time is per sfence.
void flush(benchmark::State& state, FlushForm form) {
  constexpr int kFences = 64;
  auto mmu = shared_system().make_mmu();
  auto addrs = spread_addresses(kVa4k, 256 * kPageSize, 256);
  for (auto _ : state) {
    for (auto va : addrs) (void)mmu->translate(va, AccessType::kLoad);
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kFences; ++i) {
      switch (form) {
        case FlushForm::kAll:
          mmu->sfence_vma(std::nullopt, std::nullopt);
          break;
        case FlushForm::kAsid:
          mmu->sfence_vma(std::nullopt, std::uint16_t{1});
          break;
        case FlushForm::kPage:
          mmu->sfence_vma(addrs[i], std::nullopt);
          break;
        case FlushForm::kPageAsid:
          mmu->sfence_vma(addrs[i], std::uint16_t{1});
          break;
      }
    }
    const auto end = std::chrono::steady_clock::now();
    state.SetIterationTime(std::chrono::duration<double>(end - start).count() / kFences);
  }
}

// Each thread is its own hart (its own Mmu) over the shared bus and tables;
// a 256-entry TLB and 4096 pages make most translations walks.
void batch(benchmark::State& state) {
  BenchSystem& sys = shared_system();
  auto mmu = sys.make_mmu();
  auto addrs = spread_addresses(kVa4k + static_cast<std::uint64_t>(state.thread_index()) * (16 << 20), 16 << 20, 4096);
  std::vector<Translation> out(addrs.size());
  for (auto _ : state) {
    mmu->translate_batch(addrs, AccessType::kLoad, out);
    benchmark::DoNotOptimize(out.data());
  }
  report(state, *mmu, state.iterations() * addrs.size());
}

}  // namespace

BENCHMARK_CAPTURE(tlb_hot, 4k, kVa4k)->Name("mem/tlb/hot_4k");
BENCHMARK_CAPTURE(tlb_hot, 2m, kVa2m)->Name("mem/tlb/hot_2m");
BENCHMARK_CAPTURE(tlb_hot, 1g, kVa1g)->Name("mem/tlb/hot_1g");
BENCHMARK_CAPTURE(tlb_spread, 4k, kVa4k)->Name("mem/tlb/cold_4k");
BENCHMARK_CAPTURE(tlb_spread, 2m, kVa2m)->Name("mem/tlb/spread_2m");
BENCHMARK_CAPTURE(tlb_spread, 1g, kVa1g)->Name("mem/tlb/spread_1g");
BENCHMARK(tlb_mixed)->Name("mem/tlb/mixed_4k");
BENCHMARK_CAPTURE(walk_only, sv39, SatpMode::kSv39)->Name("mem/walk/sv39");
BENCHMARK_CAPTURE(walk_only, sv48, SatpMode::kSv48)->Name("mem/walk/sv48");
BENCHMARK_CAPTURE(flush, all, FlushForm::kAll)->Name("mem/flush/all")->UseManualTime()->Iterations(20000);
BENCHMARK_CAPTURE(flush, asid, FlushForm::kAsid)->Name("mem/flush/asid")->UseManualTime()->Iterations(20000);
BENCHMARK_CAPTURE(flush, page, FlushForm::kPage)->Name("mem/flush/page")->UseManualTime()->Iterations(20000);
BENCHMARK_CAPTURE(flush, page_asid, FlushForm::kPageAsid)
    ->Name("mem/flush/page_asid")
    ->UseManualTime()
    ->Iterations(20000);
BENCHMARK(batch)->Name("mem/batch/translate")->Threads(1)->Threads(2);

}  // namespace mem_bench
