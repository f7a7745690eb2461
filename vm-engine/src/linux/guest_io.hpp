// Checked copies between guest memory and the syscall layer. Every guest
// pointer a syscall touches goes through here (or through host_ptr() after a
// check), so a bad pointer is -EFAULT for the guest, never a host crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>

#include "vm/mem/user_address_space.hpp"

namespace vm::engine::linux_user {

bool copy_from_guest(const mem::UserAddressSpace& memory, std::uint64_t addr, void* out, std::size_t len);
bool copy_to_guest(mem::UserAddressSpace& memory, std::uint64_t addr, const void* in, std::size_t len);

template <typename T>
bool read_guest(const mem::UserAddressSpace& memory, std::uint64_t addr, T& out) {
  static_assert(std::is_trivially_copyable_v<T>);
  return copy_from_guest(memory, addr, &out, sizeof(T));
}
template <typename T>
bool write_guest(mem::UserAddressSpace& memory, std::uint64_t addr, const T& value) {
  static_assert(std::is_trivially_copyable_v<T>);
  return copy_to_guest(memory, addr, &value, sizeof(T));
}

// Reads a NUL-terminated string of fewer than `max` bytes. Returns 0,
// -EFAULT, or -ENAMETOOLONG.
std::int64_t read_guest_string(const mem::UserAddressSpace& memory, std::uint64_t addr, std::string& out,
                               std::size_t max = 4096);

// Length of the longest prefix of [addr, addr+len) whose pages all have the
// `need` permission bits (Linux copies up to the first bad page).
std::uint64_t accessible_prefix(const mem::UserAddressSpace& memory, std::uint64_t addr, std::uint64_t len,
                                std::uint8_t need);

}  // namespace vm::engine::linux_user
