#include "vm/optimizers/block_profiler.hpp"

#include <algorithm>

namespace vm::optimizers {
namespace {

std::size_t round_up_pow2(std::size_t n) {
  std::size_t p = 16;
  while (p < n) p <<= 1;
  return p;
}

// Guest pcs are 2-byte aligned and clustered; mix the bits before masking.
std::size_t hash_pc(std::uint64_t pc) { return static_cast<std::size_t>((pc >> 1) * 0x9E3779B97F4A7C15ull >> 17); }

}  // namespace

BlockProfiler::BlockProfiler(std::uint64_t hot_threshold, std::size_t initial_capacity)
    : slots_(round_up_pow2(initial_capacity)), threshold_(hot_threshold) {}

std::size_t BlockProfiler::find_slot(std::uint64_t pc) const noexcept {
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = hash_pc(pc) & mask;
  while (slots_[i].used && slots_[i].pc != pc) i = (i + 1) & mask;
  return i;
}

void BlockProfiler::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.size() * 2, Slot{});
  for (const Slot& s : old)
    if (s.used) slots_[find_slot(s.pc)] = s;
}

bool BlockProfiler::record(std::uint64_t pc, std::uint64_t executions) {
  // Keep the load factor under 1/2 so probe sequences stay short.
  if ((size_ + 1) * 2 > slots_.size()) grow();
  Slot& s = slots_[find_slot(pc)];
  if (!s.used) {
    s.used = true;
    s.pc = pc;
    ++size_;
  }
  const std::uint64_t before = s.count;
  s.count += executions;
  return threshold_ != 0 && before < threshold_ && s.count >= threshold_;
}

std::uint64_t BlockProfiler::count(std::uint64_t pc) const noexcept {
  const Slot& s = slots_[find_slot(pc)];
  return s.used ? s.count : 0;
}

std::vector<BlockCount> BlockProfiler::top(std::size_t n) const {
  std::vector<BlockCount> all;
  all.reserve(size_);
  for (const Slot& s : slots_)
    if (s.used) all.push_back({s.pc, s.count});
  const auto by_count = [](const BlockCount& a, const BlockCount& b) {
    return a.count != b.count ? a.count > b.count : a.pc < b.pc;
  };
  n = std::min(n, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n), all.end(), by_count);
  all.resize(n);
  return all;
}

void BlockProfiler::clear() noexcept {
  std::fill(slots_.begin(), slots_.end(), Slot{});
  size_ = 0;
}

}  // namespace vm::optimizers
