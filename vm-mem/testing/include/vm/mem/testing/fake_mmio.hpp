// Test double for the physical bus: an MMIO device with plain registers that
// records every access and can be told to refuse accesses (bus error).
#pragma once

#include <cstdint>
#include <cstring>
#include <mutex>
#include <vector>

#include "vm/mem/mmio.hpp"

namespace vm::mem::testing {

class FakeMmioDevice final : public MmioHandler {
 public:
  struct Access {
    bool is_write = false;
    std::uint64_t offset = 0;
    unsigned size = 0;
    std::uint64_t value = 0;
  };

  explicit FakeMmioDevice(std::uint64_t register_bytes = 4096) : regs_(register_bytes) {}

  BusStatus read(std::uint64_t offset, unsigned size, std::uint64_t& value) override {
    std::lock_guard lock(mutex_);
    if (fail_ || offset + size > regs_.size()) return BusStatus::kDeviceError;
    value = 0;
    std::memcpy(&value, regs_.data() + offset, size);
    log_.push_back({false, offset, size, value});
    return BusStatus::kOk;
  }
  BusStatus write(std::uint64_t offset, unsigned size, std::uint64_t value) override {
    std::lock_guard lock(mutex_);
    if (fail_ || offset + size > regs_.size()) return BusStatus::kDeviceError;
    std::memcpy(regs_.data() + offset, &value, size);
    log_.push_back({true, offset, size, value});
    return BusStatus::kOk;
  }

  void set_failing(bool fail) {
    std::lock_guard lock(mutex_);
    fail_ = fail;
  }
  std::vector<Access> accesses() const {
    std::lock_guard lock(mutex_);
    return log_;
  }
  void clear_log() {
    std::lock_guard lock(mutex_);
    log_.clear();
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::uint8_t> regs_;
  std::vector<Access> log_;
  bool fail_ = false;
};

}  // namespace vm::mem::testing
