// C++ exceptions end to end: unwinding through several frames (which reads
// .eh_frame from guest memory), destructor order during unwinding, rethrow,
// nested handlers, catch(...), and std::exception_ptr.
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>

namespace {

// Off for the throw-in-a-loop stress at the end, which would print too much.
bool g_trace = true;

struct Tracer {
  const char* name;
  explicit Tracer(const char* n) : name(n) {
    if (g_trace) std::printf("  construct %s\n", name);
  }
  ~Tracer() {
    if (g_trace) std::printf("  destroy %s\n", name);
  }
};

struct ParseError : std::runtime_error {
  int line;
  ParseError(const std::string& what, int l) : std::runtime_error(what), line(l) {}
};

[[gnu::noinline]] int level3(int x) {
  Tracer t("level3");
  if (x > 2) throw std::runtime_error("level3 failed with x=" + std::to_string(x));
  return x * 10;
}

[[gnu::noinline]] int level2(int x) {
  Tracer t("level2");
  return level3(x + 1) + 1;
}

[[gnu::noinline]] int level1(int x) {
  Tracer t("level1");
  return level2(x + 1) + 1;
}

void across_frames() {
  std::printf("throw across three frames:\n");
  try {
    std::printf("  level1(0) = %d\n", level1(0));
    level1(5);
    std::printf("  not reached\n");
  } catch (const std::runtime_error& e) {
    std::printf("  caught runtime_error: %s\n", e.what());
  }
}

void derived_and_rethrow() {
  std::printf("derived type, caught by base, rethrown:\n");
  try {
    try {
      throw ParseError("unexpected token", 17);
    } catch (const std::exception& e) {
      std::printf("  inner caught std::exception: %s\n", e.what());
      throw;
    }
  } catch (const ParseError& e) {
    std::printf("  outer caught ParseError at line %d: %s\n", e.line, e.what());
  }
}

void non_class_types() {
  std::printf("non-class exception types:\n");
  for (int i = 0; i < 3; ++i) {
    try {
      if (i == 0) throw 42;
      if (i == 1) throw "a C string";
      throw 2.5;
    } catch (int v) {
      std::printf("  caught int %d\n", v);
    } catch (const char* s) {
      std::printf("  caught const char* \"%s\"\n", s);
    } catch (...) {
      std::printf("  caught something else\n");
    }
  }
}

void exception_ptr_roundtrip() {
  std::printf("exception_ptr:\n");
  std::exception_ptr saved;
  try {
    throw std::out_of_range("index 9 out of range");
  } catch (...) {
    saved = std::current_exception();
  }
  try {
    std::rethrow_exception(saved);
  } catch (const std::logic_error& e) {
    std::printf("  rethrown logic_error: %s\n", e.what());
  }
}

void library_throws() {
  std::printf("exceptions thrown by the library:\n");
  try {
    std::string s = "abc";
    (void)s.at(10);
  } catch (const std::out_of_range&) {
    std::printf("  string::at threw out_of_range\n");
  }
  try {
    (void)std::stoi("not a number");
  } catch (const std::invalid_argument&) {
    std::printf("  stoi threw invalid_argument\n");
  }
}

}  // namespace

int main() {
  across_frames();
  derived_and_rethrow();
  non_class_types();
  exception_ptr_roundtrip();
  library_throws();
  g_trace = false;
  int caught = 0;
  for (int i = 0; i < 1000; ++i) {
    try {
      level1(i);
    } catch (const std::exception&) {
      ++caught;
    }
  }
  std::printf("caught %d of 1000 thrown through level1 in a loop\n", caught);
  return 0;
}
