// Set-up shared by the engine tests that run hand-encoded guest code.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "vm/engine/jit_engine.hpp"
#include "vm/mem/user_address_space.hpp"

namespace vm::engine::test {

// An address space with `code` on a read/execute page at `code_at` and, if
// `data_size` is not 0, read/write pages at `data_at`.
inline std::unique_ptr<mem::UserAddressSpace> memory_with_code(const std::vector<std::uint32_t>& code,
                                                               std::uint64_t code_at, std::uint64_t data_at = 0,
                                                               std::uint64_t data_size = 0) {
  auto memory = mem::UserAddressSpace::create();
  REQUIRE(memory);
  REQUIRE((*memory)->map_fixed(code_at, 0x1000, mem::kPermRead | mem::kPermExec));
  if (data_size != 0) REQUIRE((*memory)->map_fixed(data_at, data_size, mem::kPermRead | mem::kPermWrite));
  std::vector<std::uint8_t> bytes(code.size() * 4);
  std::memcpy(bytes.data(), code.data(), bytes.size());
  (*memory)->write(code_at, bytes, /*force=*/true);
  return std::move(*memory);
}

// The LLVM tier without the baseline tier in front, compiling a block the
// first time it runs (or queueing it, when `tiered`) at `opt`.
inline std::unique_ptr<JitEngine> llvm_engine(mem::UserAddressSpace& memory, bool tiered, unsigned opt) {
  JitOptions options;
  options.tiered = tiered;
  options.threshold = 1;
  options.baseline = false;
  options.opt_level = opt;
  auto engine = JitEngine::create(memory, options);
  REQUIRE(engine);
  return std::move(*engine);
}

}  // namespace vm::engine::test
