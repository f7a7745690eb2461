// Strong guest address types: a guest physical and a guest virtual address
// are different types, so passing one where the other is expected fails to compile.
#pragma once

#include <compare>
#include <cstdint>

#include "vm/mem/page.hpp"

namespace vm::mem {

template <typename Tag>
class BasicAddress {
 public:
  constexpr BasicAddress() = default;
  constexpr explicit BasicAddress(std::uint64_t value) : value_(value) {}

  constexpr std::uint64_t value() const noexcept { return value_; }
  constexpr BasicAddress page() const noexcept { return BasicAddress(value_ & ~kPageOffsetMask); }
  constexpr std::uint64_t page_offset() const noexcept { return value_ & kPageOffsetMask; }
  constexpr std::uint64_t page_number() const noexcept { return value_ >> kPageShift; }

  constexpr BasicAddress operator+(std::uint64_t offset) const noexcept { return BasicAddress(value_ + offset); }
  constexpr BasicAddress& operator+=(std::uint64_t offset) noexcept {
    value_ += offset;
    return *this;
  }
  // Distance between two addresses of the same kind.
  constexpr std::uint64_t operator-(BasicAddress other) const noexcept { return value_ - other.value_; }
  constexpr auto operator<=>(const BasicAddress&) const = default;

 private:
  std::uint64_t value_ = 0;
};

struct GuestPhysTag {};
struct GuestVirtTag {};
using GuestPhysAddr = BasicAddress<GuestPhysTag>;
using GuestVirtAddr = BasicAddress<GuestVirtTag>;

}  // namespace vm::mem
