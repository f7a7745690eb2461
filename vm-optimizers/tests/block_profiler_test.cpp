#include <catch2/catch.hpp>

#include "vm/optimizers/block_profiler.hpp"

using vm::optimizers::BlockProfiler;

TEST_CASE("profiler counts executions per block", "[profiler]") {
  BlockProfiler p;
  p.record(0x1000);
  p.record(0x1000);
  p.record(0x2002, 5);
  CHECK(p.count(0x1000) == 2);
  CHECK(p.count(0x2002) == 5);
  CHECK(p.count(0x3000) == 0);
  CHECK(p.size() == 2);
}

TEST_CASE("hot threshold fires exactly once, on the crossing execution", "[profiler]") {
  BlockProfiler p(3);
  CHECK_FALSE(p.record(0x10));
  CHECK_FALSE(p.record(0x10));
  CHECK(p.record(0x10));
  CHECK_FALSE(p.record(0x10));
  // A bulk record that jumps past the threshold also fires once.
  CHECK(p.record(0x20, 10));
  CHECK_FALSE(p.record(0x20, 10));
}

TEST_CASE("zero threshold never reports hot blocks", "[profiler]") {
  BlockProfiler p(0);
  for (int i = 0; i < 100; ++i) CHECK_FALSE(p.record(0x40));
}

TEST_CASE("table grows and keeps every count", "[profiler]") {
  BlockProfiler p(0, 16);
  for (std::uint64_t i = 0; i < 10000; ++i) p.record(0x10000 + i * 2, i + 1);
  REQUIRE(p.size() == 10000);
  for (std::uint64_t i = 0; i < 10000; i += 97) CHECK(p.count(0x10000 + i * 2) == i + 1);
}

TEST_CASE("top returns the most executed blocks in order", "[profiler]") {
  BlockProfiler p;
  p.record(0xa, 5);
  p.record(0xb, 50);
  p.record(0xc, 7);
  p.record(0xd, 7);
  const auto top = p.top(3);
  REQUIRE(top.size() == 3);
  CHECK(top[0].pc == 0xb);
  CHECK(top[1].pc == 0xc);  // tie broken by pc
  CHECK(top[2].pc == 0xd);
  CHECK(p.top(10).size() == 4);
  p.clear();
  CHECK(p.size() == 0);
  CHECK(p.count(0xb) == 0);
}
