// The comparison itself: a planted difference in any compared part of the
// state must be reported, with what a developer needs to reproduce it.
#include <catch2/catch.hpp>

#include <vector>

#include "mismatch_report.hpp"

namespace {

using namespace vm::lockstep;

StepRecord agreeing_record(const std::vector<std::uint8_t>& vm_data, const std::vector<std::uint8_t>& oracle_data) {
  StepRecord r;
  r.step = 41;
  r.pc = 0x10040;
  r.raw = 0x02b50533;  // mul a0,a0,a1
  r.before.x[10] = 6;
  r.before.x[11] = 7;
  r.vm = r.before;
  r.vm.x[10] = 42;
  r.vm.pc = 0x10044;
  r.oracle = r.vm;
  r.vm_data = vm_data;
  r.oracle_data = oracle_data;
  r.data_base = 0x200000;
  return r;
}

TEST_CASE("lockstep report: agreeing machines give no report", "[lockstep][report]") {
  const std::vector<std::uint8_t> data(64, 0x5a);
  CHECK_FALSE(compare_step(agreeing_record(data, data)).has_value());
}

TEST_CASE("lockstep report: every kind of difference is reported", "[lockstep][report]") {
  std::vector<std::uint8_t> vm_data(64, 0x5a), oracle_data(64, 0x5a);
  SECTION("an integer register, with the instruction and its inputs") {
    StepRecord r = agreeing_record(vm_data, oracle_data);
    r.oracle.x[10] = 43;
    const auto report = compare_step(r);
    REQUIRE(report.has_value());
    CHECK_THAT(*report, Catch::Contains("step 41") && Catch::Contains("pc 0x10040") && Catch::Contains("0x02b50533") &&
                            Catch::Contains("mul\ta0,a0,a1") && Catch::Contains("x11(a1)=0x0000000000000007") &&
                            Catch::Contains("x10 (a0)"));
  }
  SECTION("an FP register") {
    StepRecord r = agreeing_record(vm_data, oracle_data);
    r.oracle.f[31] = 1;
    CHECK_THAT(compare_step(r).value_or(""), Catch::Contains("f31: vm 0x0000000000000000  unicorn 0x0000000000000001"));
  }
  SECTION("fcsr") {
    StepRecord r = agreeing_record(vm_data, oracle_data);
    r.oracle.fcsr = 0x10;
    CHECK_THAT(compare_step(r).value_or(""), Catch::Contains("fcsr: vm 0x00") && Catch::Contains("NV"));
  }
  SECTION("pc") {
    StepRecord r = agreeing_record(vm_data, oracle_data);
    r.oracle.pc = 0x10048;
    CHECK_THAT(compare_step(r).value_or(""), Catch::Contains("pc: vm 0x10044  unicorn 0x10048"));
  }
  SECTION("a memory byte") {
    oracle_data[17] = 0;
    StepRecord r = agreeing_record(vm_data, oracle_data);
    CHECK_THAT(compare_step(r).value_or(""), Catch::Contains("mem[0x200011]: vm 0x5a  unicorn 0x00"));
  }
  SECTION("a trap in only one machine") {
    StepRecord r = agreeing_record(vm_data, oracle_data);
    r.oracle_outcome = {true, 2, "unicorn exception 2"};
    CHECK_THAT(compare_step(r).value_or(""), Catch::Contains("outcome: vm retired  unicorn unicorn exception 2"));
  }
  SECTION("different trap causes") {
    StepRecord r = agreeing_record(vm_data, oracle_data);
    r.vm_outcome = {true, 13, "vm trap cause 13"};
    r.oracle_outcome = {true, 2, "unicorn exception 2"};
    CHECK(compare_step(r).has_value());
  }
}

}  // namespace
