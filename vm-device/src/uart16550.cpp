#include "vm/device/uart16550.hpp"

namespace vm::device {
namespace {

// Register offsets (with DLAB = 0 unless noted) and bits, per the 16550 data sheet.
enum : std::uint64_t { kRbrThr = 0, kIer = 1, kIirFcr = 2, kLcr = 3, kMcr = 4, kLsr = 5, kMsr = 6, kScr = 7 };
enum : std::uint8_t {
  kIerRxAvailable = 0x01,
  kIerThrEmpty = 0x02,
  kLsrDataReady = 0x01,
  kLsrThrEmpty = 0x20,
  kLsrTransmitterEmpty = 0x40,
  kIirNoInterrupt = 0x01,
  kIirThrEmpty = 0x02,
  kIirRxAvailable = 0x04,
  kIirFifoEnabled = 0xc0,
};

}  // namespace

Uart16550::Uart16550(TransmitSink sink) : sink_(std::move(sink)) {}

std::uint8_t Uart16550::line_status() const noexcept {
  // Transmission is instantaneous, so the transmitter is always empty.
  std::uint8_t lsr = kLsrThrEmpty | kLsrTransmitterEmpty;
  if (!rx_.empty()) lsr |= kLsrDataReady;
  return lsr;
}

std::uint8_t Uart16550::interrupt_identification() const noexcept {
  const std::uint8_t fifo = (fcr_ & 1) ? kIirFifoEnabled : 0;
  if ((ier_ & kIerRxAvailable) && !rx_.empty()) return fifo | kIirRxAvailable;
  if ((ier_ & kIerThrEmpty) && thr_empty_interrupt_) return fifo | kIirThrEmpty;
  return fifo | kIirNoInterrupt;
}

bool Uart16550::interrupt_pending() const noexcept { return (interrupt_identification() & kIirNoInterrupt) == 0; }

std::uint8_t Uart16550::read(std::uint64_t offset) {
  switch (offset) {
    case kRbrThr: {
      if (dlab()) return dll_;
      if (rx_.empty()) return 0;
      const std::uint8_t byte = rx_.front();
      rx_.pop_front();
      return byte;
    }
    case kIer:
      return dlab() ? dlm_ : ier_;
    case kIirFcr: {
      const std::uint8_t iir = interrupt_identification();
      // Reading IIR acknowledges a THR-empty interrupt.
      if ((iir & 0x0f) == kIirThrEmpty) thr_empty_interrupt_ = false;
      return iir;
    }
    case kLcr:
      return lcr_;
    case kMcr:
      return mcr_;
    case kLsr:
      return line_status();
    case kMsr:
      return (mcr_ & 0x10) ? static_cast<std::uint8_t>((mcr_ & 0x0f) << 4) : 0xb0;  // loopback or DCD|DSR|CTS
    case kScr:
      return scr_;
    default:
      return 0;
  }
}

void Uart16550::write(std::uint64_t offset, std::uint8_t value) {
  switch (offset) {
    case kRbrThr:
      if (dlab()) {
        dll_ = value;
      } else {
        if (sink_) sink_(value);
        thr_empty_interrupt_ = true;
      }
      break;
    case kIer:
      if (dlab()) {
        dlm_ = value;
      } else {
        // Enabling the THR-empty interrupt raises it at once: the THR is empty.
        if ((value & kIerThrEmpty) && !(ier_ & kIerThrEmpty)) thr_empty_interrupt_ = true;
        ier_ = value & 0x0f;
      }
      break;
    case kIirFcr:
      fcr_ = value;
      if (value & 0x02) rx_.clear();  // reset receive FIFO
      break;
    case kLcr:
      lcr_ = value;
      break;
    case kMcr:
      mcr_ = value & 0x1f;
      break;
    case kScr:
      scr_ = value;
      break;
    default:
      break;  // LSR/MSR are read-only; unknown offsets are ignored
  }
}

void Uart16550::receive(std::uint8_t byte) { rx_.push_back(byte); }

}  // namespace vm::device
