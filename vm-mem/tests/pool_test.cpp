#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "vm/mem/pool.hpp"

using namespace vm::mem;

TEST_CASE("BlockPool hands out distinct aligned blocks and reuses released ones", "[pool]") {
  auto pool = BlockPool::create({.block_size = 40, .alignment = 64, .blocks_per_chunk = 8});
  REQUIRE(pool);
  CHECK(pool->block_size() == 64);
  std::set<std::byte*> seen;
  std::vector<std::byte*> blocks;
  for (int i = 0; i < 20; ++i) {
    std::byte* b = pool->acquire();
    REQUIRE(b != nullptr);
    CHECK(reinterpret_cast<std::uintptr_t>(b) % 64 == 0);
    CHECK(seen.insert(b).second);
    std::fill(b, b + 64, std::byte{0xab});  // whole block is usable
    blocks.push_back(b);
  }
  CHECK(pool->capacity() == 24);
  CHECK(pool->in_use() == 20);
  pool->release(blocks.back());
  CHECK(pool->acquire() == blocks.back());  // LIFO reuse
  for (std::byte* b : blocks) pool->release(b);
  CHECK(pool->in_use() == 0);
}

TEST_CASE("BlockPool honours max_blocks and validates its config", "[pool]") {
  auto pool = BlockPool::create({.block_size = 16, .blocks_per_chunk = 4, .max_blocks = 6});
  REQUIRE(pool);
  std::vector<std::byte*> got;
  for (int i = 0; i < 6; ++i) got.push_back(pool->acquire());
  CHECK(std::count(got.begin(), got.end(), nullptr) == 0);
  CHECK(pool->acquire() == nullptr);
  pool->release(got[0]);
  CHECK(pool->acquire() == got[0]);
  CHECK_FALSE(BlockPool::create({.block_size = 0}));
  CHECK_FALSE(BlockPool::create({.block_size = 8, .alignment = 24}));
  CHECK_FALSE(BlockPool::create({.block_size = 8, .blocks_per_chunk = 0}));
}

TEST_CASE("ObjectPool constructs and destroys typed objects", "[pool]") {
  struct Counted {
    explicit Counted(int* live) : live_(live) { ++*live_; }
    ~Counted() { --*live_; }
    int* live_;
  };
  auto pool = BlockPool::create({.block_size = sizeof(Counted)});
  REQUIRE(pool);
  ObjectPool<Counted, BlockPool> objects(*pool);
  int live = 0;
  Counted* a = objects.create(&live);
  Counted* b = objects.create(&live);
  CHECK(live == 2);
  objects.destroy(a);
  objects.destroy(b);
  CHECK(live == 0);
  CHECK(pool->in_use() == 0);
  ObjectPool<std::array<char, 1024>, BlockPool> too_big(*pool);
  CHECK(too_big.create() == nullptr);
}

TEST_CASE("ConcurrentBlockPool is exhausted at capacity and validates", "[pool]") {
  CHECK_FALSE(ConcurrentBlockPool::create({.block_size = 8, .max_blocks = 0}));
  CHECK_FALSE(ConcurrentBlockPool::create({.block_size = 8, .max_blocks = 70000}));
  auto pool = ConcurrentBlockPool::create({.block_size = 32, .max_blocks = 3});
  REQUIRE(pool);
  std::byte* a = (*pool)->acquire();
  std::byte* b = (*pool)->acquire();
  std::byte* c = (*pool)->acquire();
  CHECK((a && b && c));
  CHECK((a != b && b != c && a != c));
  CHECK((*pool)->acquire() == nullptr);
  (*pool)->release(b);
  CHECK((*pool)->acquire() == b);
}

TEST_CASE("ConcurrentBlockPool never hands one block to two threads", "[pool]") {
  constexpr std::size_t kBlocks = 64;
  auto created = ConcurrentBlockPool::create({.block_size = 64, .max_blocks = kBlocks});
  REQUIRE(created);
  ConcurrentBlockPool& pool = **created;
  std::atomic<int> collisions{0};
  auto worker = [&](std::uint8_t id) {
    for (int i = 0; i < 20000; ++i) {
      std::byte* b = pool.acquire();
      if (b == nullptr) continue;
      // Stamp the block, then check nobody else wrote it while we held it.
      std::fill(b, b + 64, std::byte{id});
      for (int k = 0; k < 64; ++k) {
        if (b[k] != std::byte{id}) {
          ++collisions;
          break;
        }
      }
      pool.release(b);
    }
  };
  std::thread t1(worker, std::uint8_t{1}), t2(worker, std::uint8_t{2});
  t1.join();
  t2.join();
  CHECK(collisions == 0);
  std::set<std::byte*> all;
  for (std::size_t i = 0; i < kBlocks; ++i) all.insert(pool.acquire());
  CHECK(all.size() == kBlocks);
  CHECK(all.count(nullptr) == 0);
}
