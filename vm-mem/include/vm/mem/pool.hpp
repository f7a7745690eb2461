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

// Thread-safe: all max_blocks blocks are allocated up front and kept on a
// Boost.Lockfree stack, so acquire/release never lock and never allocate.
class VM_MEM_API ConcurrentBlockPool {
 public:
  // max_blocks must be non-zero.
  static Result<std::unique_ptr<ConcurrentBlockPool>> create(const PoolConfig& config);
  ~ConcurrentBlockPool();
  ConcurrentBlockPool(const ConcurrentBlockPool&) = delete;
  ConcurrentBlockPool& operator=(const ConcurrentBlockPool&) = delete;

  // A block, or nullptr when all are in use.
  std::byte* acquire() noexcept {
    std::byte* block = nullptr;
    return free_.pop(block) ? block : nullptr;
  }
  void release(std::byte* block) noexcept { (void)free_.bounded_push(block); }

  std::size_t block_size() const noexcept { return block_size_; }
  std::size_t capacity() const noexcept { return capacity_; }

 private:
  explicit ConcurrentBlockPool(const PoolConfig& config);

  std::size_t block_size_;
  std::size_t alignment_;
  std::size_t capacity_;
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
