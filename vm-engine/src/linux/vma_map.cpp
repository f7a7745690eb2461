#include "vma_map.hpp"

#include <iterator>

namespace vm::engine::linux_user {

void VmaMap::split_at(std::uint64_t addr) {
  auto it = areas_.upper_bound(addr);
  if (it == areas_.begin()) return;
  --it;
  Vma& left = it->second;
  if (left.start == addr || left.end <= addr) return;
  Vma right = left;
  right.start = addr;
  if (right.file) right.file_offset += addr - left.start;
  left.end = addr;
  areas_.emplace(addr, std::move(right));
}

void VmaMap::merge_at(std::uint64_t addr) {
  auto right = areas_.find(addr);
  if (right == areas_.end() || right == areas_.begin()) return;
  auto left = std::prev(right);
  const Vma& a = left->second;
  const Vma& b = right->second;
  const bool same = a.end == b.start && a.prot == b.prot && a.kind == b.kind && a.shared == b.shared &&
                    a.file == b.file && a.synced == b.synced && a.name == b.name &&
                    (!a.file || a.file_offset + (a.end - a.start) == b.file_offset);
  if (!same) return;
  left->second.end = b.end;
  areas_.erase(right);
}

void VmaMap::insert(Vma vma) {
  erase(vma.start, vma.end);
  const std::uint64_t start = vma.start;
  const std::uint64_t end = vma.end;
  areas_.emplace(start, std::move(vma));
  merge_at(end);
  merge_at(start);
}

void VmaMap::erase(std::uint64_t start, std::uint64_t end) {
  if (start >= end) return;
  split_at(start);
  split_at(end);
  areas_.erase(areas_.lower_bound(start), areas_.lower_bound(end));
}

void VmaMap::protect(std::uint64_t start, std::uint64_t end, std::uint8_t prot) {
  if (start >= end) return;
  split_at(start);
  split_at(end);
  std::vector<std::uint64_t> starts;
  for (auto it = areas_.lower_bound(start); it != areas_.end() && it->first < end; ++it) {
    it->second.prot = prot;
    starts.push_back(it->first);
  }
  merge_at(end);
  // Right to left, so each merge leaves the earlier keys valid.
  for (auto it = starts.rbegin(); it != starts.rend(); ++it) merge_at(*it);
}

const Vma* VmaMap::find(std::uint64_t addr) const {
  auto it = areas_.upper_bound(addr);
  if (it == areas_.begin()) return nullptr;
  --it;
  return addr < it->second.end ? &it->second : nullptr;
}

bool VmaMap::covers(std::uint64_t start, std::uint64_t end) const {
  std::uint64_t at = start;
  while (at < end) {
    const Vma* vma = find(at);
    if (vma == nullptr) return false;
    at = vma->end;
  }
  return true;
}

bool VmaMap::overlaps(std::uint64_t start, std::uint64_t end) const {
  if (start >= end) return false;
  if (find(start) != nullptr) return true;
  auto it = areas_.lower_bound(start);
  return it != areas_.end() && it->first < end;
}

bool VmaMap::any_executable(std::uint64_t start, std::uint64_t end) const {
  for (const Vma& piece : slice(start, end)) {
    if ((piece.prot & 4) != 0) return true;
  }
  return false;
}

std::vector<Vma> VmaMap::slice(std::uint64_t start, std::uint64_t end) const {
  std::vector<Vma> out;
  if (start >= end) return out;
  auto it = areas_.upper_bound(start);
  if (it != areas_.begin()) --it;
  for (; it != areas_.end() && it->first < end; ++it) {
    const Vma& vma = it->second;
    if (vma.end <= start) continue;
    Vma piece = vma;
    if (piece.start < start) {
      if (piece.file) piece.file_offset += start - piece.start;
      piece.start = start;
    }
    if (piece.end > end) piece.end = end;
    out.push_back(std::move(piece));
  }
  return out;
}

std::optional<std::uint64_t> VmaMap::highest_gap(std::uint64_t len, std::uint64_t floor, std::uint64_t ceiling) const {
  if (len == 0 || ceiling < floor || ceiling - floor < len) return std::nullopt;
  // Walk areas downwards from the ceiling; each gap ends where an area starts.
  std::uint64_t gap_end = ceiling;
  auto it = areas_.lower_bound(ceiling);
  // An area straddling the ceiling lowers the first gap's end.
  if (it != areas_.begin()) {
    auto prev = std::prev(it);
    if (prev->second.end > ceiling) {
      gap_end = prev->second.start;
      it = prev;
    }
  }
  while (true) {
    const std::uint64_t gap_start = (it == areas_.begin()) ? 0 : std::prev(it)->second.end;
    const std::uint64_t lo = gap_start > floor ? gap_start : floor;
    if (gap_end >= lo && gap_end - lo >= len) return gap_end - len;
    if (it == areas_.begin() || gap_start <= floor) return std::nullopt;
    --it;
    gap_end = it->second.start;
  }
}

}  // namespace vm::engine::linux_user
