// ConcurrentBlockPool's per-thread caches: a few magazines per thread in
// front of the lock-free shared stack, and the registry of live pools that
// lets a thread hand its cached blocks back when it exits or switches pools.
#include <atomic>
#include <mutex>
#include <unordered_map>

#include "vm/mem/pool.hpp"

namespace vm::mem {
namespace {

using pool_detail::kSlots;
using pool_detail::Magazine;
using pool_detail::ThreadCache;
using pool_detail::tls_cache;

// Live pools by id. Only the rare paths (pool creation and destruction, a
// thread flushing a cache it is giving up) take the lock.
struct Registry {
  std::mutex mutex;
  std::unordered_map<std::uint64_t, ConcurrentBlockPool*> pools;
};
Registry& registry() {
  static auto* r = new Registry;  // never destroyed: threads may exit after static destruction
  return *r;
}

// Hands a magazine's blocks back to its pool if the pool is still alive
// (a destroyed pool's blocks went with its storage) and frees the slot.
void give_back(Magazine& m) {
  if (m.pool_id != 0 && m.count != 0) {
    Registry& r = registry();
    std::lock_guard lock(r.mutex);  // held while pushing: the pool cannot be destroyed meanwhile
    auto it = r.pools.find(m.pool_id);
    if (it != r.pools.end()) {
      for (unsigned i = 0; i < m.count; ++i) it->second->push_shared(m.blocks[i]);
    }
  }
  m.pool_id = 0;
  m.count = 0;
}

__attribute__((tls_model("initial-exec"))) thread_local bool tls_cache_gone = false;

struct ThreadCacheOwner {
  ThreadCache* cache = nullptr;
  ~ThreadCacheOwner() {
    tls_cache = nullptr;
    tls_cache_gone = true;  // later thread-exit code uses the shared stack
    if (cache == nullptr) return;
    for (Magazine& m : cache->slots) give_back(m);
    delete cache;
  }
};
thread_local ThreadCacheOwner tls_owner;

ThreadCache* make_thread_cache() noexcept {
  if (tls_cache_gone) return nullptr;
  auto* c = new (std::nothrow) ThreadCache;
  if (c == nullptr) return nullptr;
  tls_owner.cache = c;
  tls_cache = c;
  return c;
}

// This thread's magazine for pool id, claiming a slot (and giving back the
// blocks of the pool that had it) on first use; nullptr when this thread
// has no cache (out of memory, or the thread is exiting).
[[gnu::noinline]] Magazine* find_magazine(std::uint64_t id) noexcept {
  ThreadCache* c = tls_cache;
  if (c == nullptr) {
    c = make_thread_cache();
    if (c == nullptr) return nullptr;
  }
  Magazine* slot = nullptr;
  for (Magazine& m : c->slots) {
    if (m.pool_id == id) slot = &m;
  }
  for (unsigned i = 0; i < kSlots && slot == nullptr; ++i) {
    if (c->slots[i].pool_id == 0) slot = &c->slots[i];
  }
  if (slot == nullptr) {
    slot = &c->slots[c->next_victim];
    c->next_victim = (c->next_victim + 1) % kSlots;
    give_back(*slot);
  }
  slot->pool_id = id;
  c->last_id = id;
  c->last = slot;
  return slot;
}

inline Magazine* magazine_for(std::uint64_t id) noexcept {
  ThreadCache* c = tls_cache;
  if (c != nullptr && c->last_id == id) [[likely]]
    return c->last;
  return find_magazine(id);
}

std::atomic<std::uint64_t> next_pool_id{1};

}  // namespace

std::uint64_t ConcurrentBlockPool::register_pool(ConcurrentBlockPool* pool) {
  const std::uint64_t id = next_pool_id.fetch_add(1, std::memory_order_relaxed);
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  r.pools.emplace(id, pool);
  return id;
}

void ConcurrentBlockPool::unregister_pool(std::uint64_t id) noexcept {
  {
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    r.pools.erase(id);
  }
  // This thread's own magazine for the pool goes with it.
  if (ThreadCache* c = tls_cache) {
    for (Magazine& m : c->slots) {
      if (m.pool_id == id) m = Magazine{};
    }
    if (c->last_id == id) c->last_id = 0;
  }
}

// Empty magazine: refill half of it from the shared stack in one go.
std::byte* ConcurrentBlockPool::acquire_slow() noexcept {
  Magazine* m = thread_cache_ == 0 ? nullptr : magazine_for(id_);
  if (m == nullptr) return pop_shared();
  if (m->count == 0) {
    const std::size_t batch = (thread_cache_ + 1) / 2;
    while (m->count < batch) {
      std::byte* b = pop_shared();
      if (b == nullptr) break;
      m->blocks[m->count++] = b;
    }
    if (m->count == 0) return nullptr;
  }
  return m->blocks[--m->count];
}

// Full magazine: flush half of it to the shared stack in one go.
void ConcurrentBlockPool::release_slow(std::byte* block) noexcept {
  Magazine* m = thread_cache_ == 0 ? nullptr : magazine_for(id_);
  if (m == nullptr) {
    push_shared(block);
    return;
  }
  if (m->count == thread_cache_) {
    const std::size_t keep = thread_cache_ / 2;
    while (m->count > keep) push_shared(m->blocks[--m->count]);
  }
  m->blocks[m->count++] = block;
}

}  // namespace vm::mem
