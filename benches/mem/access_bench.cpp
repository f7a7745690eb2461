// mem/access/*: guest reads and writes of 1, 2, 4 and 8 bytes, aligned and
// unaligned, through the MMU's TLB fast path and through the physical bus.
#include <benchmark/benchmark.h>

#include "bench_system.hpp"

namespace mem_bench {
namespace {

BenchSystem& access_system() {
  static BenchSystem system;
  return system;
}

// 64 addresses on 8 hot pages; unaligned ones sit at an odd offset.
std::vector<std::uint64_t> offsets(bool aligned) {
  std::vector<std::uint64_t> out;
  for (std::uint64_t i = 0; i < 64; ++i) out.push_back((i % 8) * kPageSize + (i * 64) % 2048 + (aligned ? 0 : 1));
  return out;
}

// Eight accesses per iteration so the harness's per-iteration cost is
// shared; ns_per_access is the figure to read.
constexpr std::size_t kUnroll = 8;

void per_access(benchmark::State& state) {
  state.counters["ns_per_access"] = benchmark::Counter(static_cast<double>(state.iterations() * kUnroll),
                                                       benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

template <typename T>
void fast_read(benchmark::State& state, bool aligned) {
  auto mmu = access_system().make_mmu();
  auto offs = offsets(aligned);
  std::size_t i = 0;
  for (auto _ : state) {
    std::uint64_t sum = 0;
    bool ok = true;
    for (std::size_t k = 0; k < kUnroll; ++k) {
      T value{};
      ok &= mmu->load(GuestVirtAddr{kVa4k + offs[(i + k) & 63]}, value);
      sum += value;
    }
    i += kUnroll;
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(sum);
  }
  per_access(state);
  state.counters["hit_rate"] = mmu->tlb().counters().hit_rate();
}

template <typename T>
void fast_write(benchmark::State& state, bool aligned) {
  auto mmu = access_system().make_mmu();
  auto offs = offsets(aligned);
  std::size_t i = 0;
  for (auto _ : state) {
    bool ok = true;
    for (std::size_t k = 0; k < kUnroll; ++k) {
      ok &= mmu->store(GuestVirtAddr{kVa4k + offs[(i + k) & 63]}, static_cast<T>(i + k));
    }
    i += kUnroll;
    benchmark::DoNotOptimize(ok);
  }
  per_access(state);
  state.counters["hit_rate"] = mmu->tlb().counters().hit_rate();
}

template <typename T>
void bus_read(benchmark::State& state, bool aligned) {
  PhysicalBus& bus = *access_system().bus;
  auto offs = offsets(aligned);
  std::size_t i = 0;
  for (auto _ : state) {
    std::uint64_t value = 0;
    BusStatus s = bus.load(GuestPhysAddr{kRamBase + offs[i++ & 63]}, sizeof(T), value);
    benchmark::DoNotOptimize(s);
    benchmark::DoNotOptimize(value);
  }
  state.counters["ns_per_access"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                       benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

template <typename T>
void bus_write(benchmark::State& state, bool aligned) {
  PhysicalBus& bus = *access_system().bus;
  auto offs = offsets(aligned);
  std::size_t i = 0;
  for (auto _ : state) {
    BusStatus s = bus.store(GuestPhysAddr{kRamBase + offs[i & 63]}, sizeof(T), i);
    ++i;
    benchmark::DoNotOptimize(s);
  }
  state.counters["ns_per_access"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                       benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

template <typename T>
void register_size(const char* bits) {
  for (bool aligned : {true, false}) {
    const std::string suffix = std::string(bits) + (aligned ? "_aligned" : "_unaligned");
    benchmark::RegisterBenchmark(("mem/access/fast_read" + suffix).c_str(), fast_read<T>, aligned);
    benchmark::RegisterBenchmark(("mem/access/fast_write" + suffix).c_str(), fast_write<T>, aligned);
    benchmark::RegisterBenchmark(("mem/access/bus_read" + suffix).c_str(), bus_read<T>, aligned);
    benchmark::RegisterBenchmark(("mem/access/bus_write" + suffix).c_str(), bus_write<T>, aligned);
  }
}

const bool kRegistered = [] {
  register_size<std::uint8_t>("1");
  register_size<std::uint16_t>("2");
  register_size<std::uint32_t>("4");
  register_size<std::uint64_t>("8");
  return true;
}();

}  // namespace
}  // namespace mem_bench
