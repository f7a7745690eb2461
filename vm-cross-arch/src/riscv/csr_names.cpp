#include "riscv/csr_names.hpp"

#include <array>
#include <string_view>

namespace vm::cross_arch::riscv {
namespace {

constexpr std::array<std::string_view, 4096> kNames = [] {
  std::array<std::string_view, 4096> names{};
#define CSR(number, name) names[number] = #name;
#include "vm/cross_arch/riscv/csrs.inc"
#undef CSR
  return names;
}();

}  // namespace

std::string_view csr_name(unsigned csr) noexcept { return csr < kNames.size() ? kNames[csr] : std::string_view{}; }

}  // namespace vm::cross_arch::riscv
