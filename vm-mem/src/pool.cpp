// BlockPool growth and ConcurrentBlockPool's up-front allocation (its
// thread caches are in pool_thread_cache.cpp).
#include "vm/mem/pool.hpp"

#include <bit>

#include <fmt/format.h>

namespace vm::mem {
namespace {

Result<void> validate(const PoolConfig& c) {
  if (c.block_size == 0 || c.alignment == 0 || !std::has_single_bit(c.alignment) || c.blocks_per_chunk == 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("pool: block size {} and blocks per chunk {} must be non-zero "
                                  "and alignment {} a power of two",
                                  c.block_size, c.blocks_per_chunk, c.alignment));
  }
  return {};
}

std::size_t round_up(std::size_t n, std::size_t align) { return (n + align - 1) & ~(align - 1); }

}  // namespace

Result<BlockPool> BlockPool::create(const PoolConfig& config) {
  VM_TRY_VOID(validate(config));
  return BlockPool(config);
}

BlockPool::BlockPool(const PoolConfig& config)
    : block_size_(round_up(config.block_size, config.alignment)),
      alignment_(config.alignment),
      per_chunk_(config.blocks_per_chunk),
      max_blocks_(config.max_blocks) {}

bool BlockPool::grow() {
  std::size_t n = per_chunk_;
  if (max_blocks_ != 0) {
    if (total_ >= max_blocks_) return false;
    n = std::min(n, max_blocks_ - total_);
  }
  auto* raw = static_cast<std::byte*>(::operator new[](n* block_size_, std::align_val_t(alignment_), std::nothrow));
  if (raw == nullptr) return false;
  chunks_.emplace_back(raw, AlignedDelete{alignment_});
  total_ += n;
  free_.reserve(total_);
  for (std::size_t i = n; i-- > 0;) free_.push_back(raw + i * block_size_);
  return true;
}

Result<std::unique_ptr<ConcurrentBlockPool>> ConcurrentBlockPool::create(const PoolConfig& config) {
  VM_TRY_VOID(validate(config));
  if (config.max_blocks == 0 || config.max_blocks > 65535) {
    // Boost.Lockfree's fixed-size stack indexes its nodes with 16 bits.
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("concurrent pool: max_blocks {} must be 1..65535", config.max_blocks));
  }
  if (config.thread_cache > 32) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("concurrent pool: thread_cache {} must be at most 32", config.thread_cache));
  }
  auto pool = std::unique_ptr<ConcurrentBlockPool>(new (std::nothrow) ConcurrentBlockPool(config));
  if (pool == nullptr || pool->storage_ == nullptr) {
    return make_error(ErrorCode::kResourceExhausted, "concurrent pool: out of host memory");
  }
  return pool;
}

ConcurrentBlockPool::ConcurrentBlockPool(const PoolConfig& config)
    : id_(register_pool(this)),
      block_size_(round_up(config.block_size, config.alignment)),
      alignment_(config.alignment),
      capacity_(config.max_blocks),
      thread_cache_(config.thread_cache),
      free_(config.max_blocks) {
  storage_ =
      static_cast<std::byte*>(::operator new[](capacity_* block_size_, std::align_val_t(alignment_), std::nothrow));
  if (storage_ == nullptr) return;
  for (std::size_t i = capacity_; i-- > 0;) (void)free_.bounded_push(storage_ + i * block_size_);
}

ConcurrentBlockPool::~ConcurrentBlockPool() {
  unregister_pool(id_);
  if (storage_ != nullptr) ::operator delete[](storage_, std::align_val_t(alignment_));
}

}  // namespace vm::mem
