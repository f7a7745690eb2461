// Builds ELF64 images in memory for the ELF reader tests: a valid RISC-V
// executable by default, with every header field and segment adjustable so a
// test can break exactly one rule.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "vm/core/elf.hpp"

namespace vm::core::testing {

// Little-endian stores into an image (tests patch single fields with these).
inline void store_le(std::vector<std::uint8_t>& image, std::size_t offset, std::uint64_t value, std::size_t width) {
  for (std::size_t i = 0; i < width; ++i) image.at(offset + i) = static_cast<std::uint8_t>(value >> (8 * i));
}

class ElfImageBuilder {
 public:
  static constexpr std::uint64_t kBase = 0x10000;
  static constexpr std::uint64_t kDefaultEntry = kBase + 0x100;

  // One R-X PT_LOAD covering the first 0x1000 bytes of the file at kBase.
  ElfImageBuilder() {
    segments_.push_back(ElfProgramHeader{.type = kPtLoad,
                                         .flags = kPfR | kPfX,
                                         .offset = 0,
                                         .vaddr = kBase,
                                         .paddr = kBase,
                                         .filesz = 0x1000,
                                         .memsz = 0x1000,
                                         .align = 0x1000});
  }

  ElfImageBuilder& type(std::uint16_t v) {
    type_ = v;
    return *this;
  }
  ElfImageBuilder& machine(std::uint16_t v) {
    machine_ = v;
    return *this;
  }
  ElfImageBuilder& entry(std::uint64_t v) {
    entry_ = v;
    return *this;
  }
  ElfImageBuilder& file_size(std::size_t v) {
    file_size_ = v;
    return *this;
  }
  ElfImageBuilder& clear_segments() {
    segments_.clear();
    return *this;
  }
  ElfImageBuilder& segment(const ElfProgramHeader& ph) {
    segments_.push_back(ph);
    return *this;
  }
  ElfProgramHeader& segment_at(std::size_t i) { return segments_.at(i); }
  // Bytes placed at a file offset (e.g. a PT_INTERP string).
  ElfImageBuilder& data(std::size_t offset, std::vector<std::uint8_t> bytes) {
    data_.emplace_back(offset, std::move(bytes));
    return *this;
  }
  ElfImageBuilder& data(std::size_t offset, const std::string& text) {
    return data(offset, std::vector<std::uint8_t>(text.begin(), text.end()));
  }

  // Header at 0, program headers right after it (offset 64).
  std::vector<std::uint8_t> build() const {
    std::size_t table_end = 64 + 56 * segments_.size();
    std::vector<std::uint8_t> image(file_size_ > table_end ? file_size_ : table_end, 0);
    const std::uint8_t ident[] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};
    std::memcpy(image.data(), ident, sizeof ident);
    store_le(image, 0x10, type_, 2);
    store_le(image, 0x12, machine_, 2);
    store_le(image, 0x14, 1, 4);
    store_le(image, 0x18, entry_, 8);
    store_le(image, 0x20, 64, 8);
    store_le(image, 0x34, 64, 2);
    store_le(image, 0x36, 56, 2);
    store_le(image, 0x38, segments_.size(), 2);
    for (std::size_t i = 0; i < segments_.size(); ++i) {
      const auto& ph = segments_[i];
      std::size_t at = 64 + 56 * i;
      store_le(image, at + 0x00, ph.type, 4);
      store_le(image, at + 0x04, ph.flags, 4);
      store_le(image, at + 0x08, ph.offset, 8);
      store_le(image, at + 0x10, ph.vaddr, 8);
      store_le(image, at + 0x18, ph.paddr, 8);
      store_le(image, at + 0x20, ph.filesz, 8);
      store_le(image, at + 0x28, ph.memsz, 8);
      store_le(image, at + 0x30, ph.align, 8);
    }
    for (const auto& [offset, bytes] : data_) {
      if (offset + bytes.size() > image.size()) image.resize(offset + bytes.size());
      std::memcpy(image.data() + offset, bytes.data(), bytes.size());
    }
    return image;
  }

 private:
  std::uint16_t type_ = kEtExec;
  std::uint16_t machine_ = kEmRiscv;
  std::uint64_t entry_ = kDefaultEntry;
  std::size_t file_size_ = 0x1000;
  std::vector<ElfProgramHeader> segments_;
  std::vector<std::pair<std::size_t, std::vector<std::uint8_t>>> data_;
};

}  // namespace vm::core::testing
