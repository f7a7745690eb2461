#include "guest_random.hpp"

#include <sys/random.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace vm::engine::linux_user {

GuestRandom::GuestRandom(std::optional<std::uint64_t> seed) : seeded_(seed.has_value()), stream_(seed.value_or(0)) {}

std::int64_t GuestRandom::fill(std::uint8_t* buf, std::size_t len, unsigned host_flags) {
  if (!seeded_) {
    const ssize_t n = ::getrandom(buf, len, host_flags);
    return n < 0 ? -static_cast<std::int64_t>(errno) : n;
  }
  // Each call takes whole 64-bit words, little-endian; the unused tail of
  // the last word is dropped, so the stream is easy to reproduce by hand.
  for (std::size_t done = 0; done < len; done += 8) {
    const std::uint64_t word = stream_();
    std::uint8_t bytes[8];
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<std::uint8_t>(word >> (8 * i));
    std::memcpy(buf + done, bytes, std::min<std::size_t>(8, len - done));
  }
  return static_cast<std::int64_t>(len);
}

}  // namespace vm::engine::linux_user
