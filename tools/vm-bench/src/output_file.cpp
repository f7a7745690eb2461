#include "output_file.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace vm::bench {

void print_error(const std::string& message) { fmt::print(stderr, "vm-bench: {}\n", message); }

bool write_output(const std::string& path, const std::string& text) {
  if (path == "-") {
    fmt::print("{}", text);
    return true;
  }
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out << text;
  if (!out) {
    print_error(fmt::format("{}: cannot write: {}", path, std::strerror(errno)));
    return false;
  }
  return true;
}

}  // namespace vm::bench
