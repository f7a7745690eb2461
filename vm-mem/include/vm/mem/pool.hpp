// Fixed-size block pools for hot allocations (TLB pages, page-table scratch,
// I/O buffers): a single-threaded pool and a lock-free thread-safe one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <utility>

#include <boost/container/vector.hpp>
#include <boost/lockfree/stack.hpp>

#include "vm/core/result.hpp"
#include "vm/mem/export.hpp"

namespace vm::mem {

struct PoolConfig {
  std::size_t block_size = 64;                        // bytes per block, rounded up to alignment
  std::size_t alignment = alignof(std::max_align_t);  // power of two
  std::size_t blocks_per_chunk = 256;                 // blocks allocated from the host at a time
  std::size_t max_blocks = 0;                         // 0: unbounded (BlockPool only)
  // ConcurrentBlockPool: blocks each thread keeps for itself (0..32; 0: none).
  std::size_t thread_cache = 16;
};

// Single-threaded: acquire/release are a vector pop/push. Blocks come from
// chunks that live as long as the pool; released blocks are reused LIFO.
class VM_MEM_API BlockPool {
 public:
  static Result<BlockPool> create(const PoolConfig& config);

  // A block, or nullptr when max_blocks are in use or the host is out of memory.
  std::byte* acquire() {
    if (free_.empty() && !grow()) [[unlikely]]
      return nullptr;
    std::byte* block = free_.back();
    free_.pop_back();
    return block;
  }
  // Returns a block from this pool's acquire().
  void release(std::byte* block) noexcept { free_.push_back(block); }

  std::size_t block_size() const noexcept { return block_size_; }
  std::size_t capacity() const noexcept { return total_; }
  std::size_t in_use() const noexcept { return total_ - free_.size(); }

 private:
  explicit BlockPool(const PoolConfig& config);
  bool grow();

  struct AlignedDelete {
    std::size_t alignment;
    void operator()(std::byte* p) const noexcept { ::operator delete[](p, std::align_val_t(alignment)); }
  };
  std::size_t block_size_;
  std::size_t alignment_;
  std::size_t per_chunk_;
  std::size_t max_blocks_;
  std::size_t total_ = 0;
  boost::container::vector<std::unique_ptr<std::byte[], AlignedDelete>> chunks_;
  boost::container::vector<std::byte*> free_;  // reserved to capacity: push never allocates
};

// ConcurrentBlockPool's per-thread cache, declared here only so acquire()
// and release() can be inline: the layout is vm-mem's own, not an API.
namespace pool_detail {
inline constexpr unsigned kSlots = 4;         // pools one thread caches for at once
inline constexpr unsigned kMagazineMax = 32;  // PoolConfig::thread_cache limit
struct Magazine {
  std::uint64_t pool_id = 0;  // 0: free slot
  unsigned count = 0;
  std::byte* blocks[kMagazineMax];
};
struct ThreadCache {
  std::uint64_t last_id = 0;  // the pool used last and its magazine: the one-compare hit
  Magazine* last = nullptr;
  Magazine slots[kSlots];
  unsigned next_victim = 0;
};
// This thread's cache (created on first use, handed back at thread exit).
extern VM_MEM_API thread_local ThreadCache* tls_cache;
}  // namespace pool_detail

// Thread-safe: all max_blocks blocks are allocated up front and kept on a
// Boost.Lockfree stack, so acquire/release never lock and never allocate.
// In front of the stack each thread keeps a small cache (a magazine of up
// to thread_cache blocks per pool, for up to four pools at a time), so the
// common acquire/release is a thread-local pop/push with no atomic
// read-modify-write; the shared stack is touched in batches of half a
// magazine. Blocks sitting in one thread's cache are not available to
// other threads until it releases past its limit, switches pools or exits
// (its cache goes back to the pool then): with a cache, acquire can return
// nullptr while other threads cache free blocks. thread_cache = 0 gives the
// exact "nullptr only when all are in use" behaviour.
class VM_MEM_API ConcurrentBlockPool {
 public:
  // max_blocks must be 1..65535, thread_cache at most 32.
  static Result<std::unique_ptr<ConcurrentBlockPool>> create(const PoolConfig& config);
  // Blocks still cached by other threads are dropped with the storage;
  // destroy a pool only when no thread uses it any more.
  ~ConcurrentBlockPool();
  ConcurrentBlockPool(const ConcurrentBlockPool&) = delete;
  ConcurrentBlockPool& operator=(const ConcurrentBlockPool&) = delete;

  // A block, or nullptr when neither this thread's cache nor the shared
  // stack has one. The common case is a thread-local pop; the rest (no
  // cache yet, another pool's magazine, an empty magazine, caching off) is
  // out of line.
  std::byte* acquire() noexcept {
    pool_detail::ThreadCache* c = pool_detail::tls_cache;
    if (c != nullptr && c->last_id == id_) [[likely]] {
      pool_detail::Magazine* m = c->last;
      if (m->count != 0) [[likely]]
        return m->blocks[--m->count];
    }
    return acquire_slow();
  }
  // Returns a block from this pool's acquire() (any thread's).
  void release(std::byte* block) noexcept {
    pool_detail::ThreadCache* c = pool_detail::tls_cache;
    if (c != nullptr && c->last_id == id_) [[likely]] {
      pool_detail::Magazine* m = c->last;
      if (m->count < thread_cache_) [[likely]] {
        m->blocks[m->count++] = block;
        return;
      }
    }
    release_slow(block);
  }

  std::size_t block_size() const noexcept { return block_size_; }
  std::size_t capacity() const noexcept { return capacity_; }
  std::size_t thread_cache() const noexcept { return thread_cache_; }

  // The shared stack, for the thread caches' batch refills and flushes.
  std::byte* pop_shared() noexcept {
    std::byte* block = nullptr;
    return free_.pop(block) ? block : nullptr;
  }
  void push_shared(std::byte* block) noexcept { (void)free_.bounded_push(block); }

 private:
  explicit ConcurrentBlockPool(const PoolConfig& config);
  static std::uint64_t register_pool(ConcurrentBlockPool* pool);
  static void unregister_pool(std::uint64_t id) noexcept;
  std::byte* acquire_slow() noexcept;
  void release_slow(std::byte* block) noexcept;

  std::uint64_t id_;  // unique for the process's lifetime: caches key on it, never on the address
  std::size_t block_size_;
  std::size_t alignment_;
  std::size_t capacity_;
  std::size_t thread_cache_;
  std::byte* storage_ = nullptr;
  boost::lockfree::stack<std::byte*, boost::lockfree::fixed_sized<true>> free_;
};

// Typed objects on top of either pool: construct in a block, destroy and
// hand the block back.
template <typename T, typename Pool>
class ObjectPool {
 public:
  explicit ObjectPool(Pool& pool) : pool_(&pool) {}
  template <typename... Args>
  T* create(Args&&... args) {
    static_assert(alignof(T) <= alignof(std::max_align_t));
    if (sizeof(T) > pool_->block_size()) return nullptr;
    std::byte* block = pool_->acquire();
    return block == nullptr ? nullptr : ::new (block) T(std::forward<Args>(args)...);
  }
  void destroy(T* object) noexcept {
    if (object == nullptr) return;
    object->~T();
    pool_->release(reinterpret_cast<std::byte*>(object));
  }

 private:
  Pool* pool_;
};

}  // namespace vm::mem
