// ELF64 on-disk layout (gABI offsets and constants) and little-endian field
// readers shared by the ELF reader and its validator. Private to vm-core.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace vm::core::elf_format {

inline constexpr std::size_t kEhdrSize = 64;
inline constexpr std::size_t kPhdrSize = 56;

// e_ident bytes.
inline constexpr std::size_t kEiClass = 4;
inline constexpr std::size_t kEiData = 5;
inline constexpr std::size_t kEiVersion = 6;
inline constexpr std::size_t kEiOsabi = 7;
inline constexpr std::uint8_t kClass32 = 1;
inline constexpr std::uint8_t kClass64 = 2;
inline constexpr std::uint8_t kData2Lsb = 1;
inline constexpr std::uint8_t kData2Msb = 2;
inline constexpr std::uint8_t kEvCurrent = 1;
inline constexpr std::uint8_t kOsabiSysv = 0;
inline constexpr std::uint8_t kOsabiGnu = 3;

// ELF header field offsets.
inline constexpr std::size_t kEType = 0x10;
inline constexpr std::size_t kEMachine = 0x12;
inline constexpr std::size_t kEVersion = 0x14;
inline constexpr std::size_t kEEntry = 0x18;
inline constexpr std::size_t kEPhoff = 0x20;
inline constexpr std::size_t kEPhentsize = 0x36;
inline constexpr std::size_t kEPhnum = 0x38;

// Program header field offsets (relative to the entry).
inline constexpr std::size_t kPType = 0x00;
inline constexpr std::size_t kPFlags = 0x04;
inline constexpr std::size_t kPOffset = 0x08;
inline constexpr std::size_t kPVaddr = 0x10;
inline constexpr std::size_t kPPaddr = 0x18;
inline constexpr std::size_t kPFilesz = 0x20;
inline constexpr std::size_t kPMemsz = 0x28;
inline constexpr std::size_t kPAlign = 0x30;

// e_phnum value meaning "the real count is in section header 0".
inline constexpr std::uint16_t kPnXnum = 0xffff;

// Reads a little-endian unsigned integer; the caller has bounds-checked.
template <typename T>
T load_le(std::span<const std::uint8_t> bytes, std::size_t offset) {
  T value = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    value |= static_cast<T>(static_cast<T>(bytes[offset + i]) << (8 * i));
  }
  return value;
}

}  // namespace vm::core::elf_format
