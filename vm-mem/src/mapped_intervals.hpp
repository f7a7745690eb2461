// The set of mapped guest ranges, kept coalesced, so "is all of this mapped"
// and "where is the next hole" cost O(log n) instead of a perm-table scan.
#pragma once

#include <cstdint>
#include <map>

namespace vm::mem::detail {

// Half-open byte ranges [start, end); adjacent or overlapping ranges merge.
class MappedIntervals {
 public:
  void insert(std::uint64_t start, std::uint64_t end);
  void erase(std::uint64_t start, std::uint64_t end);

  bool overlaps(std::uint64_t start, std::uint64_t end) const;
  bool covers(std::uint64_t start, std::uint64_t end) const;

  // Lowest `start` >= from with [start, start+len) free and start+len <= ceiling;
  // returns false if there is none. `len` must be non-zero.
  bool first_gap(std::uint64_t len, std::uint64_t from, std::uint64_t ceiling, std::uint64_t* start) const;

  std::uint64_t total_bytes() const noexcept { return total_; }
  std::size_t count() const noexcept { return ranges_.size(); }

 private:
  std::map<std::uint64_t, std::uint64_t> ranges_;  // start -> end
  std::uint64_t total_ = 0;
};

}  // namespace vm::mem::detail
