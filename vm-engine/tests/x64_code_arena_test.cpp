// The baseline tier's executable memory: code added through the writable
// view runs at the executable address, a full arena refuses more code
// without damage, and reset() makes room again.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "jit/x64/assembler.hpp"
#include "jit/x64/code_arena.hpp"

namespace {

using namespace vm::engine::jit::x64;

// mov eax, value; ret
std::vector<std::uint8_t> returns(std::uint32_t value) {
  Assembler a;
  a.mov_imm(rax, value);
  a.ret();
  return a.code();
}

using Fn = std::uint32_t (*)();

// The code is x86-64: run it only there (the arena itself works anywhere).
bool baseline_supported() {
#if defined(__x86_64__)
  return true;
#else
  return false;
#endif
}

}  // namespace

TEST_CASE("code arena: added code runs, a full arena refuses more, reset makes room", "[x64_arena]") {
  auto created = CodeArena::create(4096);
  REQUIRE(created);
  CodeArena& arena = **created;
  const auto code = returns(42);
  const void* first = arena.add(code.data(), code.size());
  REQUIRE(first != nullptr);
  CHECK(arena.contains(first));
  CHECK(reinterpret_cast<std::uintptr_t>(first) % 16 == 0);
  if (baseline_supported()) CHECK(reinterpret_cast<Fn>(const_cast<void*>(first))() == 42);

  const auto other = returns(7);
  std::size_t added = 1;
  const void* last = first;
  while (const void* p = arena.add(other.data(), other.size())) {
    last = p;
    ++added;
  }
  CHECK(added == 4096 / 16);  // each entry 16-byte aligned
  CHECK(arena.add(other.data(), other.size()) == nullptr);
  if (baseline_supported()) {
    CHECK(reinterpret_cast<Fn>(const_cast<void*>(first))() == 42);  // earlier code intact
    CHECK(reinterpret_cast<Fn>(const_cast<void*>(last))() == 7);
  }
  int local = 0;
  CHECK_FALSE(arena.contains(&local));

  arena.reset();
  CHECK(arena.used() == 0);
  const void* again = arena.add(other.data(), other.size());
  CHECK(again == first);
  if (baseline_supported()) CHECK(reinterpret_cast<Fn>(const_cast<void*>(again))() == 7);
}
