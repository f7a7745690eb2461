// Looks up a CSR's assembler name in csrs.inc.
#pragma once

#include <string_view>

namespace vm::cross_arch::riscv {

// Empty when the CSR has no name.
std::string_view csr_name(unsigned csr) noexcept;

}  // namespace vm::cross_arch::riscv
