#include "interp/csr.hpp"

#include <ctime>

#include "vm/cross_arch/ir/op.hpp"

namespace vm::engine::interp {
namespace {

using vm::cross_arch::ir::CsrOp;

// User mode implements the FP CSRs and the read-only counters; every other
// CSR number is an illegal instruction, as on Linux.
bool is_user_csr(std::uint16_t number) {
  switch (number) {
    case 0x001:
    case 0x002:
    case 0x003:
    case 0xC00:
    case 0xC01:
    case 0xC02:
      return true;
    default:
      return false;
  }
}

// The privileged spec encodes read-only CSRs as number[11:10] == 0b11.
bool is_read_only(std::uint16_t number) { return ((number >> 10) & 3) == 3; }

// The `time` CSR ticks at 10 MHz, the timebase QEMU's virt board advertises.
std::uint64_t read_time() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 10'000'000u + static_cast<std::uint64_t>(ts.tv_nsec) / 100u;
}

std::uint64_t read_csr(const CpuState& cpu, std::uint16_t number, std::uint64_t instret_now) noexcept {
  switch (number) {
    case 0x001:
      return cpu.fcsr & 0x1f;
    case 0x002:
      return (cpu.fcsr >> 5) & 0x7;
    case 0x003:
      return cpu.fcsr & 0xff;
    // User-mode cycle counts retired instructions: deterministic, and no
    // program may rely on a relation between the two.
    case 0xC00:
      return instret_now;
    case 0xC01:
      return read_time();
    case 0xC02:
      return instret_now;
    default:
      return 0;
  }
}

void write_csr(CpuState& cpu, std::uint16_t number, std::uint64_t value) noexcept {
  switch (number) {
    case 0x001:
      cpu.fcsr = (cpu.fcsr & ~0x1fu) | (value & 0x1f);
      break;
    case 0x002:
      cpu.fcsr = (cpu.fcsr & 0x1f) | ((value & 0x7) << 5);
      break;
    case 0x003:
      cpu.fcsr = value & 0xff;
      break;
    default:
      break;
  }
}

}  // namespace

bool execute_csr(CpuState& cpu, std::uint8_t op, std::uint16_t csr, std::uint64_t src, bool source_is_zero,
                 std::uint64_t instret_now, std::uint64_t& old_value) noexcept {
  if (!is_user_csr(csr)) return false;
  const auto kind = static_cast<CsrOp>(op);
  const bool is_write_op = kind == CsrOp::kRw || kind == CsrOp::kRwi;
  const bool writes = is_write_op || !source_is_zero;
  if (writes && is_read_only(csr)) return false;
  old_value = read_csr(cpu, csr, instret_now);
  if (!writes) return true;
  std::uint64_t value = src;
  if (kind == CsrOp::kRs || kind == CsrOp::kRsi) value = old_value | src;
  if (kind == CsrOp::kRc || kind == CsrOp::kRci) value = old_value & ~src;
  write_csr(cpu, csr, value);
  return true;
}

}  // namespace vm::engine::interp
