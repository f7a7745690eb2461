// The guest's memory areas as the kernel sees them (Linux's VMAs): what each
// mapped range is (anonymous, file, heap, stack, program image), its PROT_*
// bits and file backing. UserAddressSpace only knows pages and permissions;
// mmap placement, mremap, MADV_DONTNEED and /proc/self/maps need this view.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "host_fd.hpp"

namespace vm::engine::linux_user {

enum class VmaKind : std::uint8_t { kAnonymous, kFile, kHeap, kStack, kImage, kTrampoline };

// A writable MAP_SHARED file mapping lives in guest memory as a copy of the
// file; this is the file's content as last synchronised, so write-back can
// send only the bytes the guest changed. Indexed by file offset.
struct SharedFileImage {
  std::uint64_t offset = 0;  // file offset of bytes[0]
  std::vector<std::uint8_t> bytes;
};

struct Vma {
  std::uint64_t start = 0;
  std::uint64_t end = 0;  // exclusive, page-aligned
  std::uint8_t prot = 0;  // guest PROT_READ/WRITE/EXEC bits
  VmaKind kind = VmaKind::kAnonymous;
  bool shared = false;                 // MAP_SHARED
  std::shared_ptr<const HostFd> file;  // backing file of a kFile area
  std::uint64_t file_offset = 0;       // file offset that `start` maps
  // Set for MAP_SHARED mappings of files opened for writing: guest changes
  // are written back at msync, munmap, remapping and exit.
  std::shared_ptr<SharedFileImage> synced;
  std::string name;  // path shown in /proc/self/maps
};

// An area without file backing.
inline Vma plain_vma(std::uint64_t start, std::uint64_t end, std::uint64_t prot, VmaKind kind, std::string name = {}) {
  Vma vma;
  vma.start = start;
  vma.end = end;
  vma.prot = static_cast<std::uint8_t>(prot);
  vma.kind = kind;
  vma.name = std::move(name);
  return vma;
}

class VmaMap {
 public:
  // Adds `vma`, first removing whatever overlaps it (MAP_FIXED semantics).
  void insert(Vma vma);
  // Removes [start, end), splitting areas that straddle its ends.
  void erase(std::uint64_t start, std::uint64_t end);
  // Sets the PROT bits of [start, end) (which must be covered).
  void protect(std::uint64_t start, std::uint64_t end, std::uint8_t prot);

  const Vma* find(std::uint64_t addr) const;
  bool covers(std::uint64_t start, std::uint64_t end) const;
  bool overlaps(std::uint64_t start, std::uint64_t end) const;
  bool any_executable(std::uint64_t start, std::uint64_t end) const;
  // The parts of areas inside [start, end), clipped to it.
  std::vector<Vma> slice(std::uint64_t start, std::uint64_t end) const;
  // Highest page-aligned start s with [s, s+len) free, floor <= s and
  // s+len <= ceiling (Linux's top-down mmap placement).
  std::optional<std::uint64_t> highest_gap(std::uint64_t len, std::uint64_t floor, std::uint64_t ceiling) const;

  const std::map<std::uint64_t, Vma>& areas() const { return areas_; }

 private:
  // Splits the area containing `addr` (if any) so that an area starts there.
  void split_at(std::uint64_t addr);
  // Joins the area starting at `addr` with the one ending there if they are
  // the same kind of memory (Linux merges such VMAs; mremap relies on it).
  void merge_at(std::uint64_t addr);
  std::map<std::uint64_t, Vma> areas_;  // keyed by start; never overlapping
};

}  // namespace vm::engine::linux_user
