// Where the guest's randomness comes from (the getrandom syscall and the 16
// AT_RANDOM bytes on the initial stack): the host's entropy, or with a seed
// (`vm run --seed N`) a fixed pseudo-random stream, so runs are repeatable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>

namespace vm::engine::linux_user {

class GuestRandom {
 public:
  explicit GuestRandom(std::optional<std::uint64_t> seed = std::nullopt);

  // Fills `len` bytes. Seeded: always all of them. Unseeded: the host's
  // getrandom(2) with `host_flags` (GRND_NONBLOCK / GRND_RANDOM), returning
  // what it returns (a short count, or -errno).
  std::int64_t fill(std::uint8_t* buf, std::size_t len, unsigned host_flags);

  bool seeded() const { return seeded_; }

 private:
  bool seeded_ = false;
  // mt19937_64's output sequence is fixed by the C++ standard, so a seed
  // gives the same bytes with every compiler and standard library.
  std::mt19937_64 stream_;
};

}  // namespace vm::engine::linux_user
