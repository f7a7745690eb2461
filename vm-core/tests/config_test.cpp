#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "vm/core/config.hpp"

namespace {

using vm::ErrorCode;
using vm::core::Config;
using vm::core::parse_config;

Config parse_ok(std::string_view text) {
  auto config = parse_config(text, "t.toml");
  INFO(text);
  if (!config) FAIL(config.error().message());
  return *config;
}

std::string parse_error(std::string_view text, ErrorCode code = ErrorCode::kInvalidArgument) {
  auto config = parse_config(text, "t.toml");
  INFO(text);
  REQUIRE_FALSE(config.has_value());
  CHECK(config.error().code() == code);
  return config.error().message();
}

void check_defaults(const Config& c) {
  CHECK(c.engine.engine == "tiered");
  CHECK(c.engine.max_block_insns == 64);
  CHECK(c.engine.baseline_threshold == 2);
  CHECK(c.user.stack_size == 8388608);
  CHECK(c.user.va_bits == 38);
  CHECK(c.log.level == "warn");
}

}  // namespace

TEST_CASE("an empty file gives the documented defaults", "[config]") {
  check_defaults(Config{});
  check_defaults(parse_ok(""));
  check_defaults(parse_ok("# only a comment\n\n[engine]\n[user]\n[log]\n"));
}

TEST_CASE("every key can be set", "[config]") {
  auto c = parse_ok(R"(
[engine]
engine = "tiered"
max_block_insns = 200
[user]
stack_size = 1048576
va_bits = 47
[log]
level = "debug"
)");
  CHECK(c.engine.engine == "tiered");
  CHECK(c.engine.max_block_insns == 200);
  CHECK(c.user.stack_size == 1048576);
  CHECK(c.user.va_bits == 47);
  CHECK(c.log.level == "debug");
}

TEST_CASE("dotted keys and inline tables are ordinary TOML", "[config]") {
  auto c = parse_ok("engine.engine = \"jit\"\nuser = { va_bits = 40 }\n");
  CHECK(c.engine.engine == "jit");
  CHECK(c.user.va_bits == 40);
  CHECK(c.engine.max_block_insns == 64);
}

TEST_CASE("JIT tuning keys in [engine] are validated", "[config]") {
  auto c = vm::core::parse_config("[engine]\njit_threshold = 7\njit_opt_level = 2\njit_threads = 2\n", "t.toml");
  REQUIRE(c);
  CHECK(c->engine.jit_threshold == 7);
  CHECK(c->engine.jit_opt_level == 2);
  CHECK(c->engine.jit_threads == 2);
  CHECK(parse_error("[engine]\njit_opt_level = 4\n") == "t.toml:2:17: engine.jit_opt_level: 4 is out of range 0..3");
}

TEST_CASE("unknown keys are errors naming the key and its line", "[config]") {
  CHECK(parse_error("[engine]\nengine = \"interp\"\nmax_block = 3\n") ==
        "t.toml:3:1: engine.max_block: unknown key (known keys in [engine]: engine, "
        "max_block_insns, jit_threshold, baseline_threshold, jit_opt_level, jit_threads)");
  CHECK(parse_error("\n[cpu]\ncount = 2\n") ==
        "t.toml:2:2: cpu: unknown table (known tables: engine, user, log, perf)");
  CHECK(parse_error("verbose = true\n") == "t.toml:1:1: verbose: unknown key (known tables: engine, user, log, perf)");
  CHECK(parse_error("[log]\nlevel = \"info\"\n[log.sub]\nx = 1\n") ==
        "t.toml:3:6: log.sub: unknown key (known keys in [log]: level)");
}

TEST_CASE("values of the wrong type", "[config]") {
  CHECK(parse_error("[engine]\nmax_block_insns = \"64\"\n") ==
        "t.toml:2:19: engine.max_block_insns: expected an integer, got a string");
  CHECK(parse_error("[user]\nstack_size = 8.0\n") ==
        "t.toml:2:14: user.stack_size: expected an integer, got a floating-point number");
  CHECK(parse_error("[log]\n  level = 3\n") == "t.toml:2:11: log.level: expected a string, got an integer");
  CHECK(parse_error("[engine]\nengine = [\"interp\"]\n") ==
        "t.toml:2:10: engine.engine: expected a string, got an array");
  CHECK(parse_error("[user]\nva_bits = true\n") == "t.toml:2:11: user.va_bits: expected an integer, got a boolean");
  CHECK(parse_error("user = 5\n") == "t.toml:1:8: user: expected a table [user], got an integer");
  CHECK(parse_error("[[log]]\nlevel = \"info\"\n") == "t.toml:1:1: log: expected a table [log], got an array");
}

TEST_CASE("out-of-range and bad enum values", "[config]") {
  CHECK(parse_error("[engine]\nmax_block_insns = 0\n") ==
        "t.toml:2:19: engine.max_block_insns: 0 is out of range 1..255");
  CHECK(parse_error("[engine]\nmax_block_insns = 256\n") ==
        "t.toml:2:19: engine.max_block_insns: 256 is out of range 1..255");
  CHECK(parse_error("[user]\nstack_size = 65535\n") ==
        "t.toml:2:14: user.stack_size: 65535 is out of range 65536..1073741824 "
        "(64 KiB..1 GiB)");
  CHECK(parse_error("[user]\nva_bits = -1\n") == "t.toml:2:11: user.va_bits: -1 is out of range 32..47");
  CHECK(parse_error("[engine]\nengine = \"fast\"\n") ==
        "t.toml:2:10: engine.engine: \"fast\" is not one of \"interp\", \"jit\", \"tiered\", \"baseline\"");
  CHECK(parse_error("[log]\nlevel = \"WARN\"\n") ==
        "t.toml:2:9: log.level: \"WARN\" is not one of \"trace\", \"debug\", \"info\", \"warn\", "
        "\"error\", \"off\"");
}

namespace {

// The documented schema, written out independently of the library's table.
struct IntegerKey {
  std::string table, name;
  std::int64_t min, max;
  std::string range_text;
};
const IntegerKey kIntegerKeys[] = {
    {"engine", "max_block_insns", 1, 255, "1..255"},
    {"engine", "baseline_threshold", 0, 1000000, "0..1000000"},
    {"user", "stack_size", 65536, 1073741824, "65536..1073741824 (64 KiB..1 GiB)"},
    {"user", "va_bits", 32, 47, "32..47"},
};
struct StringKey {
  std::string table, name;
  std::vector<std::string> choices;
};
const StringKey kStringKeys[] = {
    {"engine", "engine", {"interp", "jit", "tiered", "baseline"}},
    {"log", "level", {"trace", "debug", "info", "warn", "error", "off"}},
};

// "t.toml:2:<column of the value>: table.name: " for a key written as
// "[table]\nname = <value>".
std::string located(const std::string& table, const std::string& name) {
  return fmt::format("t.toml:2:{}: {}.{}: ", name.size() + 4, table, name);
}

}  // namespace

TEST_CASE("integer keys accept their bounds and reject one past them", "[config]") {
  for (const auto& key : kIntegerKeys) {
    std::string prefix = "[" + key.table + "]\n" + key.name + " = ";
    std::string where = located(key.table, key.name);
    parse_ok(prefix + std::to_string(key.min));
    parse_ok(prefix + std::to_string(key.max));
    for (auto bad : {key.min - 1, key.max + 1}) {
      CHECK(parse_error(prefix + std::to_string(bad)) ==
            where + std::to_string(bad) + " is out of range " + key.range_text);
    }
    CHECK(parse_error(prefix + "\"1\"") == where + "expected an integer, got a string");
  }
}

TEST_CASE("string keys accept exactly their documented values", "[config]") {
  for (const auto& key : kStringKeys) {
    std::string prefix = "[" + key.table + "]\n" + key.name + " = ";
    std::string where = located(key.table, key.name);
    for (const auto& choice : key.choices) parse_ok(prefix + "\"" + choice + "\"");
    std::string allowed = fmt::format("\"{}\"", fmt::join(key.choices, "\", \""));
    CHECK(parse_error(prefix + "\"no-such-value\"") == where + "\"no-such-value\" is not one of " + allowed);
    CHECK(parse_error(prefix + "1") == where + "expected a string, got an integer");
  }
}

TEST_CASE("all problems are reported, in file order", "[config]") {
  auto message = parse_error(R"([log]
level = "loud"
[engine]
max_block_insns = 1000
typo = 1
)");
  CHECK(message ==
        "t.toml:2:9: log.level: \"loud\" is not one of \"trace\", \"debug\", \"info\", \"warn\", "
        "\"error\", \"off\"\n"
        "t.toml:4:19: engine.max_block_insns: 1000 is out of range 1..255\n"
        "t.toml:5:1: engine.typo: unknown key (known keys in [engine]: engine, max_block_insns, "
        "jit_threshold, baseline_threshold, jit_opt_level, jit_threads)");
}

TEST_CASE("TOML syntax errors name line and column", "[config]") {
  auto unterminated = parse_error("[engine]\nengine = \"interp\n", ErrorCode::kMalformed);
  CHECK_THAT(unterminated, Catch::StartsWith("t.toml:2:17: TOML syntax error: "));
  auto duplicate = parse_error("[user]\nva_bits = 40\nva_bits = 41\n", ErrorCode::kMalformed);
  CHECK_THAT(duplicate, Catch::StartsWith("t.toml:3:") && Catch::Contains("TOML syntax error"));
  auto garbage = parse_error("[engine\n", ErrorCode::kMalformed);
  CHECK_THAT(garbage, Catch::StartsWith("t.toml:1:") && Catch::Contains("TOML syntax error"));
}

TEST_CASE("the rendered default file documents every key and parses to the defaults", "[config]") {
  std::string text = vm::core::default_config_toml();
  check_defaults(parse_ok(text));
  for (const auto* table : {"\n[engine]\n", "\n[user]\n", "\n[log]\n"}) {
    CHECK_THAT(text, Catch::Contains(table));
  }
  for (const auto& key : kIntegerKeys) {
    CHECK_THAT(text, Catch::Contains("# Allowed: " + key.range_text + ".\n" + key.name + " = "));
  }
  for (const auto& key : kStringKeys) {
    std::string allowed = fmt::format("\"{}\"", fmt::join(key.choices, "\", \""));
    CHECK_THAT(text, Catch::Contains("# Allowed: " + allowed + ".\n" + key.name + " = "));
  }
  CHECK_THAT(text, Catch::Contains("\nengine = \"tiered\"\n"));
  CHECK_THAT(text, Catch::Contains("\nmax_block_insns = 64\n"));
  CHECK_THAT(text, Catch::Contains("\nstack_size = 8388608\n"));
  CHECK_THAT(text, Catch::Contains("Default 8 MiB."));
  CHECK_THAT(text, Catch::Contains("\nva_bits = 38\n"));
  CHECK_THAT(text, Catch::Contains("\nlevel = \"warn\"\n"));
}

TEST_CASE("load_config reads files and names the path", "[config][file]") {
  auto dir = std::filesystem::temp_directory_path() / ("vm_core_config_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto path = (dir / "vm.toml").string();
  SECTION("a valid file") {
    std::ofstream(path) << "[user]\nva_bits = 39\n";
    auto config = vm::core::load_config(path);
    REQUIRE(config.has_value());
    CHECK(config->user.va_bits == 39);
  }
  SECTION("errors carry the path as the source name") {
    std::ofstream(path) << "[user]\nva_bits = 99\n";
    auto config = vm::core::load_config(path);
    REQUIRE_FALSE(config.has_value());
    CHECK(config.error().message() == path + ":2:11: user.va_bits: 99 is out of range 32..47");
  }
  SECTION("missing file") {
    auto config = vm::core::load_config(path + ".missing");
    REQUIRE_FALSE(config.has_value());
    CHECK(config.error().code() == ErrorCode::kNotFound);
    CHECK(config.error().message() == path + ".missing: No such file or directory");
  }
  SECTION("directory") {
    auto config = vm::core::load_config(dir.string());
    REQUIRE_FALSE(config.has_value());
    CHECK(config.error().code() == ErrorCode::kInvalidArgument);
    CHECK(config.error().message() == dir.string() + ": is a directory");
  }
  std::filesystem::remove_all(dir);
}
