// Writes a command's output to a file ("-" means stdout), reporting failures.
#pragma once

#include <string>

namespace vm::bench {

// Returns false after printing "vm-bench: PATH: ..." to stderr on failure.
bool write_output(const std::string& path, const std::string& text);
// Prints "vm-bench: MESSAGE" to stderr.
void print_error(const std::string& message);

}  // namespace vm::bench
