#include "mapped_intervals.hpp"

#include <iterator>

namespace vm::mem::detail {

void MappedIntervals::insert(std::uint64_t start, std::uint64_t end) {
  if (start >= end) return;
  // Absorb every range that overlaps or touches [start, end).
  auto it = ranges_.upper_bound(start);
  if (it != ranges_.begin() && std::prev(it)->second >= start) --it;
  while (it != ranges_.end() && it->first <= end) {
    if (it->first < start) start = it->first;
    if (it->second > end) end = it->second;
    total_ -= it->second - it->first;
    it = ranges_.erase(it);
  }
  ranges_.emplace(start, end);
  total_ += end - start;
}

void MappedIntervals::erase(std::uint64_t start, std::uint64_t end) {
  if (start >= end) return;
  auto it = ranges_.upper_bound(start);
  if (it != ranges_.begin() && std::prev(it)->second > start) --it;
  while (it != ranges_.end() && it->first < end) {
    const std::uint64_t lo = it->first;
    const std::uint64_t hi = it->second;
    total_ -= hi - lo;
    it = ranges_.erase(it);
    // Keep the parts sticking out on either side (a split if both do).
    if (lo < start) {
      ranges_.emplace(lo, start);
      total_ += start - lo;
    }
    if (hi > end) {
      it = ranges_.emplace(end, hi).first;
      total_ += hi - end;
      break;
    }
  }
}

bool MappedIntervals::overlaps(std::uint64_t start, std::uint64_t end) const {
  if (start >= end) return false;
  auto it = ranges_.lower_bound(end);  // first range starting at or past end
  if (it == ranges_.begin()) return false;
  return std::prev(it)->second > start;
}

bool MappedIntervals::covers(std::uint64_t start, std::uint64_t end) const {
  if (start >= end) return true;
  // Ranges are coalesced, so full coverage means one range holds it all.
  auto it = ranges_.upper_bound(start);
  if (it == ranges_.begin()) return false;
  --it;
  return it->first <= start && it->second >= end;
}

bool MappedIntervals::first_gap(std::uint64_t len, std::uint64_t from, std::uint64_t ceiling,
                                std::uint64_t* start) const {
  std::uint64_t candidate = from;
  auto it = ranges_.upper_bound(candidate);
  if (it != ranges_.begin() && std::prev(it)->second > candidate) candidate = std::prev(it)->second;
  while (true) {
    if (candidate > ceiling || ceiling - candidate < len) return false;
    if (it == ranges_.end() || it->first - candidate >= len) break;
    candidate = it->second;
    ++it;
  }
  *start = candidate;
  return true;
}

}  // namespace vm::mem::detail
