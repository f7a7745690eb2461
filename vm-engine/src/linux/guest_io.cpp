#include "guest_io.hpp"

#include <cerrno>
#include <cstring>
#include <span>

namespace vm::engine::linux_user {

bool copy_from_guest(const mem::UserAddressSpace& memory, std::uint64_t addr, void* out, std::size_t len) {
  return memory.read(addr, std::span(static_cast<std::uint8_t*>(out), len)) == mem::AccessFault::kNone;
}

bool copy_to_guest(mem::UserAddressSpace& memory, std::uint64_t addr, const void* in, std::size_t len) {
  return memory.write(addr, std::span(static_cast<const std::uint8_t*>(in), len)) == mem::AccessFault::kNone;
}

std::int64_t read_guest_string(const mem::UserAddressSpace& memory, std::uint64_t addr, std::string& out,
                               std::size_t max) {
  out.clear();
  // Scan page by page so a string ending just before an unmapped page is fine.
  while (out.size() < max) {
    const std::uint64_t page_left = mem::kPageSize - (addr & (mem::kPageSize - 1));
    const std::uint64_t chunk = std::min<std::uint64_t>(page_left, max - out.size());
    const std::uint8_t* host = memory.host_ptr(addr, chunk, mem::kPermRead);
    if (host == nullptr) return -EFAULT;
    const void* nul = std::memchr(host, 0, chunk);
    if (nul != nullptr) {
      out.append(reinterpret_cast<const char*>(host), static_cast<const std::uint8_t*>(nul) - host);
      return 0;
    }
    out.append(reinterpret_cast<const char*>(host), chunk);
    addr += chunk;
  }
  return -ENAMETOOLONG;
}

std::uint64_t accessible_prefix(const mem::UserAddressSpace& memory, std::uint64_t addr, std::uint64_t len,
                                std::uint8_t need) {
  if (memory.check(addr, len, need)) return len;
  const mem::FaultInfo fault = memory.locate_fault(addr, len, need);
  return fault.addr > addr ? fault.addr - addr : 0;
}

}  // namespace vm::engine::linux_user
