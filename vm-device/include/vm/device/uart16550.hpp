// A 16550-compatible UART register model (the console of QEMU's virt board):
// byte-wide registers at offsets 0..7, transmit to a sink callback, receive
// from a host-fed queue, and an interrupt line for the PLIC to sample.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>

#include "vm/device/export.hpp"

namespace vm::device {

class VM_DEVICE_API Uart16550 {
 public:
  using TransmitSink = std::function<void(std::uint8_t)>;
  explicit Uart16550(TransmitSink sink = {});

  // Register access at byte offset 0..7 (other offsets read 0 / are ignored:
  // guest misuse never stops the host).
  std::uint8_t read(std::uint64_t offset);
  void write(std::uint64_t offset, std::uint8_t value);

  // Host side: queue bytes for the guest to read.
  void receive(std::uint8_t byte);
  // Level of the interrupt line (an enabled condition is pending).
  bool interrupt_pending() const noexcept;
  // Divisor latch, for tests and for embedders that show the baud rate.
  std::uint16_t divisor() const noexcept { return static_cast<std::uint16_t>(dll_ | (dlm_ << 8)); }

 private:
  bool dlab() const noexcept { return (lcr_ & 0x80) != 0; }
  std::uint8_t line_status() const noexcept;
  std::uint8_t interrupt_identification() const noexcept;

  TransmitSink sink_;
  std::deque<std::uint8_t> rx_;
  std::uint8_t ier_ = 0, lcr_ = 0, mcr_ = 0, scr_ = 0, dll_ = 0, dlm_ = 0, fcr_ = 0;
  bool thr_empty_interrupt_ = false;  // THRE interrupt latched until IIR read or THR written
};

}  // namespace vm::device
