// Uses vm-mem as an embedder would: a guest address space, a mapping, a
// checked write and read back.
#include <cstdio>
#include <cstring>

#include "vm/mem/user_address_space.hpp"

int main() {
  auto space = vm::mem::UserAddressSpace::create({.va_bits = 32});
  if (!space) {
    std::fprintf(stderr, "create failed: %s\n", space.error().message().c_str());
    return 1;
  }
  auto& as = **space;
  if (!as.map_fixed(0x10000, 0x2000, vm::mem::kPermRead | vm::mem::kPermWrite)) return 2;
  const char msg[] = "hello from vm::mem";
  if (as.write(0x10ff8, {reinterpret_cast<const std::uint8_t*>(msg), sizeof msg}) != vm::mem::AccessFault::kNone)
    return 3;
  char back[sizeof msg] = {};
  if (as.read(0x10ff8, {reinterpret_cast<std::uint8_t*>(back), sizeof back}) != vm::mem::AccessFault::kNone) return 4;
  if (as.read(0x40000, {reinterpret_cast<std::uint8_t*>(back), 1}) == vm::mem::AccessFault::kNone) return 5;
  std::printf("%s\n", back);
  return std::strcmp(back, msg) == 0 ? 0 : 6;
}
