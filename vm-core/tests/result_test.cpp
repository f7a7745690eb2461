#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "vm/core/result.hpp"

namespace {

using vm::Error;
using vm::ErrorCode;
using vm::Result;

Result<int> parse_digit(char c) {
  if (c < '0' || c > '9') {
    return vm::make_error(ErrorCode::kInvalidArgument, std::string("not a digit: ") + c);
  }
  return c - '0';
}

Result<void> check_even(int n) {
  if (n % 2 != 0) return vm::make_error(ErrorCode::kOutOfRange, std::to_string(n) + " is odd");
  return {};
}

// Uses VM_TRY_VOID on both Result<int> and Result<void>.
Result<int> even_digit(char c) {
  VM_TRY_VOID(parse_digit(c));
  VM_TRY_VOID(check_even(c - '0'));
  return c - '0';
}

Result<void> all_even(const std::string& digits) {
  for (char c : digits) VM_TRY_VOID(even_digit(c));
  return {};
}

Result<int> sum_digits(const std::string& digits) {
  int sum = 0;
  for (char c : digits) {
    VM_TRY_ASSIGN(int d, parse_digit(c));
    sum += d;
  }
  return sum;
}

Result<std::unique_ptr<int>> boxed(int n) {
  if (n < 0) return vm::make_error(ErrorCode::kInvalidArgument, "negative");
  auto box = std::make_unique<int>(n);
  return box;  // implicit move into Result
}

Result<int> unbox_twice(int n) {
  std::unique_ptr<int> first;
  VM_TRY_ASSIGN(first, boxed(n));  // assignment to an existing lvalue
  VM_TRY_ASSIGN(auto second, boxed(*first + 1));
  return *first + *second;
}

}  // namespace

TEST_CASE("value path", "[result]") {
  auto r = parse_digit('7');
  REQUIRE(r.has_value());
  CHECK(static_cast<bool>(r));
  CHECK(r.value() == 7);
  CHECK(*r == 7);
  CHECK(r.value_or(-1) == 7);
  *r = 8;
  CHECK(r.value() == 8);

  Result<std::string> s = "text";  // converting constructor
  REQUIRE(s.has_value());
  CHECK(s->size() == 4);
  CHECK(std::move(s).value() == "text");

  Result<std::vector<int>> empty;  // default-constructed T
  REQUIRE(empty.has_value());
  CHECK(empty->empty());
}

TEST_CASE("error path", "[result]") {
  auto r = parse_digit('x');
  REQUIRE_FALSE(r.has_value());
  CHECK_FALSE(static_cast<bool>(r));
  CHECK(r.error().code() == ErrorCode::kInvalidArgument);
  CHECK(r.error().message() == "not a digit: x");
  CHECK(r.value_or(-1) == -1);

  Error moved = std::move(r).error();
  CHECK(moved.message() == "not a digit: x");
}

TEST_CASE("with_context prefixes and chains", "[result]") {
  Error e(ErrorCode::kMalformed, "bad magic");
  e.with_context("reading a.elf").with_context("loading");
  CHECK(e.message() == "loading: reading a.elf: bad magic");
  CHECK(e.code() == ErrorCode::kMalformed);
}

TEST_CASE("Result<void>", "[result]") {
  Result<void> ok;
  CHECK(ok.has_value());
  CHECK(static_cast<bool>(ok));
  ok.value();
  auto bad = check_even(3);
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code() == ErrorCode::kOutOfRange);
  CHECK(bad.error().message() == "3 is odd");
  CHECK(std::move(bad).error().message() == "3 is odd");
  CHECK(check_even(4).has_value());
}

TEST_CASE("VM_TRY_VOID propagates the first error unchanged", "[result]") {
  CHECK(even_digit('4').value() == 4);
  auto not_digit = even_digit('z');
  REQUIRE_FALSE(not_digit.has_value());
  CHECK(not_digit.error().code() == ErrorCode::kInvalidArgument);
  CHECK(not_digit.error().message() == "not a digit: z");
  auto odd = even_digit('5');
  REQUIRE_FALSE(odd.has_value());
  CHECK(odd.error().code() == ErrorCode::kOutOfRange);
  CHECK(odd.error().message() == "5 is odd");

  CHECK(all_even("2468").has_value());
  auto mixed = all_even("2478");
  REQUIRE_FALSE(mixed.has_value());
  CHECK(mixed.error().message() == "7 is odd");
}

TEST_CASE("VM_TRY_ASSIGN binds the value or returns the error", "[result]") {
  CHECK(sum_digits("1234").value() == 10);
  auto bad = sum_digits("12a4");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().message() == "not a digit: a");
  CHECK(unbox_twice(3).value() == 7);
  CHECK(unbox_twice(-1).error().message() == "negative");
}

TEST_CASE("move-only values", "[result]") {
  auto r = boxed(42);
  REQUIRE(r.has_value());
  CHECK(**r == 42);
  int* raw = r->get();
  std::unique_ptr<int> owned = std::move(r).value();
  CHECK(owned.get() == raw);
  CHECK(*owned == 42);

  Result<std::unique_ptr<int>> moved_into = std::make_unique<int>(9);
  Result<std::unique_ptr<int>> moved_again = std::move(moved_into);
  REQUIRE(moved_again.has_value());
  CHECK(**moved_again == 9);

  auto err = boxed(-5);
  REQUIRE_FALSE(err.has_value());
  CHECK(err.error().message() == "negative");
}

TEST_CASE("every ErrorCode has a name", "[result]") {
  CHECK(std::string(vm::to_string(ErrorCode::kInvalidArgument)) == "invalid argument");
  CHECK(std::string(vm::to_string(ErrorCode::kNotFound)) == "not found");
  CHECK(std::string(vm::to_string(ErrorCode::kIoError)) == "I/O error");
  CHECK(std::string(vm::to_string(ErrorCode::kMalformed)) == "malformed input");
  CHECK(std::string(vm::to_string(ErrorCode::kUnsupported)) == "unsupported");
  CHECK(std::string(vm::to_string(ErrorCode::kOutOfRange)) == "out of range");
  CHECK(std::string(vm::to_string(ErrorCode::kResourceExhausted)) == "resource exhausted");
  CHECK(std::string(vm::to_string(ErrorCode::kInternal)) == "internal error");
}
