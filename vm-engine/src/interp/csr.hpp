// User-mode CSR semantics (fflags/frm/fcsr and the read-only counters) for
// the IR Csr op, shared by the interpreter and, later, the JIT's helper call.
#pragma once

#include <cstdint>

#include "vm/engine/cpu_state.hpp"

namespace vm::engine::interp {

// Performs csrrw/csrrs/csrrc[i]. `src` is the rs1 value or the uimm.
// `source_is_zero` is true for rs1 = x0 / uimm = 0 (set/clear then do not
// write). `instret_now` is the count retired before this instruction.
// Returns false when the access is illegal (unknown CSR, or a write to a
// read-only one); nothing is modified then.
bool execute_csr(CpuState& cpu, std::uint8_t op, std::uint16_t csr, std::uint64_t src, bool source_is_zero,
                 std::uint64_t instret_now, std::uint64_t& old_value) noexcept;

}  // namespace vm::engine::interp
