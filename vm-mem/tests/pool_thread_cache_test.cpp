// ConcurrentBlockPool's per-thread caches: what a cache holds back from
// other threads, cross-thread release, thread exit, pool switching and
// pools destroyed while a thread still caches their blocks.
#include <catch2/catch.hpp>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "vm/mem/pool.hpp"

using namespace vm::mem;

namespace {

std::unique_ptr<ConcurrentBlockPool> make_pool(std::size_t blocks, std::size_t cache) {
  auto p = ConcurrentBlockPool::create({.block_size = 64, .max_blocks = blocks, .thread_cache = cache});
  REQUIRE(p);
  return std::move(*p);
}

// Acquires until the pool (as seen from this thread) is empty; checks the
// blocks are distinct and inside [first, first + capacity * block_size).
std::vector<std::byte*> drain(ConcurrentBlockPool& pool) {
  std::vector<std::byte*> out;
  while (std::byte* b = pool.acquire()) out.push_back(b);
  std::set<std::byte*> distinct(out.begin(), out.end());
  CHECK(distinct.size() == out.size());
  return out;
}

std::size_t drain_count_in_thread(ConcurrentBlockPool& pool) {
  std::size_t n = 0;
  std::thread t([&] {
    auto blocks = drain(pool);
    n = blocks.size();
    for (std::byte* b : blocks) pool.release(b);
  });
  t.join();
  return n;
}

}  // namespace

TEST_CASE("ConcurrentBlockPool validates thread_cache", "[pool]") {
  CHECK_FALSE(ConcurrentBlockPool::create({.block_size = 8, .max_blocks = 8, .thread_cache = 33}));
  auto p = ConcurrentBlockPool::create({.block_size = 8, .max_blocks = 8, .thread_cache = 32});
  REQUIRE(p);
  CHECK((*p)->thread_cache() == 32);
}

TEST_CASE("a thread's cache holds blocks back until the thread exits", "[pool]") {
  auto pool = make_pool(64, 16);
  std::mutex mu;
  std::condition_variable cv;
  bool cached = false, done = false, got = false;
  std::thread holder([&] {
    std::byte* b = pool->acquire();  // refills half a magazine (8), hands one out
    got = b != nullptr;
    pool->release(b);  // back into this thread's cache, not the shared stack
    std::unique_lock lock(mu);
    cached = true;
    cv.notify_all();
    cv.wait(lock, [&] { return done; });
  });
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return cached; });
  }
  CHECK(got);
  CHECK(drain_count_in_thread(*pool) == 64 - 8);
  {
    std::lock_guard lock(mu);
    done = true;
  }
  cv.notify_all();
  holder.join();  // its cache went back to the pool at exit
  CHECK(drain_count_in_thread(*pool) == 64);
}

TEST_CASE("without a thread cache every free block is available to every thread", "[pool]") {
  auto pool = make_pool(64, 0);
  std::byte* b = pool->acquire();
  pool->release(b);
  CHECK(drain_count_in_thread(*pool) == 64);
  CHECK(drain(*pool).size() == 64);
}

TEST_CASE("blocks released by another thread are reused and never duplicated", "[pool]") {
  // A producer acquires, a consumer stamps, checks and releases: every
  // release lands in a different thread's cache than the acquire came from.
  constexpr std::size_t kBlocks = 128;
  auto pool = make_pool(kBlocks, 16);
  for (std::byte* b : drain(*pool)) {  // fresh blocks hold whatever the host left there
    std::fill(b, b + 64, std::byte{0});
    pool->release(b);
  }
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::byte*> queue;
  bool finished = false;
  int corrupt = 0, consumer_corrupt = 0;
  std::thread consumer([&] {
    for (;;) {
      std::byte* b = nullptr;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return !queue.empty() || finished; });
        if (queue.empty()) break;
        b = queue.front();
        queue.pop_front();
      }
      for (int k = 0; k < 64; ++k) consumer_corrupt += b[k] != std::byte{0x5a};
      std::fill(b, b + 64, std::byte{0});
      pool->release(b);
    }
  });
  int produced = 0;
  for (int i = 0; i < 20000; ++i) {
    std::byte* b = pool->acquire();
    if (b == nullptr) {
      std::this_thread::yield();  // the consumer still holds or caches them
      continue;
    }
    for (int k = 0; k < 64; ++k) corrupt += b[k] != std::byte{0};
    std::fill(b, b + 64, std::byte{0x5a});
    {
      std::lock_guard lock(mu);
      queue.push_back(b);
    }
    cv.notify_one();
    ++produced;
  }
  {
    std::lock_guard lock(mu);
    finished = true;
  }
  cv.notify_one();
  consumer.join();
  CHECK(produced > 0);
  CHECK(corrupt == 0);
  CHECK(consumer_corrupt == 0);
  CHECK(drain(*pool).size() == kBlocks);  // the consumer's cache came back at its exit
}

TEST_CASE("two threads hammering one cached pool never share a block", "[pool]") {
  constexpr std::size_t kBlocks = 96;
  auto pool = make_pool(kBlocks, 16);
  std::atomic<int> collisions{0};
  auto worker = [&](std::uint8_t id) {
    std::vector<std::byte*> held;
    for (int i = 0; i < 20000; ++i) {
      if (held.size() < 24 && (i % 3) != 2) {
        if (std::byte* b = pool->acquire()) {
          std::fill(b, b + 64, std::byte{id});
          held.push_back(b);
        }
      } else if (!held.empty()) {
        std::byte* b = held.back();
        held.pop_back();
        for (int k = 0; k < 64; ++k) collisions += b[k] != std::byte{id};
        pool->release(b);
      }
    }
    for (std::byte* b : held) pool->release(b);
  };
  std::thread t1(worker, std::uint8_t{1}), t2(worker, std::uint8_t{2});
  t1.join();
  t2.join();
  CHECK(collisions == 0);
  CHECK(drain(*pool).size() == kBlocks);
}

TEST_CASE("a thread using more pools than cache slots gives evicted blocks back", "[pool]") {
  std::vector<std::unique_ptr<ConcurrentBlockPool>> pools;
  for (int i = 0; i < 6; ++i) pools.push_back(make_pool(8, 4));
  for (int round = 0; round < 5; ++round) {
    for (auto& p : pools) {
      std::byte* a = p->acquire();
      std::byte* b = p->acquire();
      REQUIRE((a && b));
      p->release(a);
      p->release(b);
    }
  }
  for (auto& p : pools) {
    auto blocks = drain(*p);
    CHECK(blocks.size() == 8);
    for (std::byte* b : blocks) p->release(b);
  }
}

TEST_CASE("a pool destroyed while a thread caches its blocks is never touched again", "[pool]") {
  auto first = make_pool(16, 8);
  std::mutex mu;
  std::condition_variable cv;
  int stage = 0;
  std::unique_ptr<ConcurrentBlockPool> second;
  std::size_t from_second = 0;
  std::thread user([&] {
    first->release(first->acquire());  // caches some of first's blocks
    std::unique_lock lock(mu);
    stage = 1;
    cv.notify_all();
    cv.wait(lock, [&] { return stage == 2; });
    // first is gone; its cached blocks must not come out of second.
    from_second = drain(*second).size();
  });
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return stage == 1; });
    first.reset();
    second = make_pool(16, 8);
    stage = 2;
  }
  cv.notify_all();
  user.join();  // its exit must not push anything into the destroyed pool
  CHECK(from_second == 16);
}
