// mem/pool/*: one 64-byte acquire+release through each pool, against
// new/delete and malloc/free.
#include <cstdlib>

#include <benchmark/benchmark.h>

#include "vm/mem/pool.hpp"

namespace {

using namespace vm::mem;

void block_pool(benchmark::State& state) {
  auto pool = BlockPool::create({.block_size = 64});
  for (auto _ : state) {
    std::byte* b = pool->acquire();
    benchmark::DoNotOptimize(b);
    pool->release(b);
  }
}

void concurrent_pool(benchmark::State& state) {
  static auto pool = std::move(ConcurrentBlockPool::create({.block_size = 64, .max_blocks = 1024}).value());
  for (auto _ : state) {
    std::byte* b = pool->acquire();
    benchmark::DoNotOptimize(b);
    pool->release(b);
  }
}

void new_delete(benchmark::State& state) {
  for (auto _ : state) {
    auto* b = new std::byte[64];
    benchmark::DoNotOptimize(b);
    delete[] b;
  }
}

void malloc_free(benchmark::State& state) {
  for (auto _ : state) {
    void* b = std::malloc(64);
    benchmark::DoNotOptimize(b);
    std::free(b);
  }
}

}  // namespace

BENCHMARK(block_pool)->Name("mem/pool/block_pool");
BENCHMARK(concurrent_pool)->Name("mem/pool/concurrent_pool")->Threads(1)->Threads(2);
BENCHMARK(new_delete)->Name("mem/pool/new_delete");
BENCHMARK(malloc_free)->Name("mem/pool/malloc_free");
