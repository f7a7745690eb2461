// vm::Result<T> and vm::Error: the error-handling vocabulary of every vm
// library. Result is shaped like C++23 std::expected (which GCC 12 lacks and
// clang 14/16 cannot compile from libstdc++), so a later switch is mechanical.
#pragma once

#include <cassert>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include "vm/core/export.hpp"

namespace vm {

// Broad classes of failure; the message carries the specifics.
enum class ErrorCode {
  kInvalidArgument,  // caller passed something malformed
  kNotFound,         // a file or entry does not exist
  kIoError,          // the OS refused a read/write/open
  kMalformed,        // input data (ELF, TOML, disk image) is corrupt
  kUnsupported,      // valid input we do not handle (yet)
  kOutOfRange,       // address or value outside what is allowed
  kResourceExhausted,
  kInternal,
};

VM_CORE_API const char* to_string(ErrorCode code) noexcept;

// An error: a code plus a human-readable message naming what and where.
class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}
  ErrorCode code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }

  // Prefixes context ("loading foo.elf: ") and returns *this for chaining.
  Error& with_context(const std::string& context) {
    message_ = context + ": " + message_;
    return *this;
  }

 private:
  ErrorCode code_;
  std::string message_;
};

// Tag wrapper so Result<Error> style ambiguity never arises (std::unexpected).
template <typename E>
class Unexpected {
 public:
  explicit Unexpected(E e) : error_(std::move(e)) {}
  E& error() & noexcept { return error_; }
  E&& error() && noexcept { return std::move(error_); }
  const E& error() const& noexcept { return error_; }

 private:
  E error_;
};

inline Unexpected<Error> make_error(ErrorCode code, std::string message) {
  return Unexpected<Error>(Error(code, std::move(message)));
}

template <typename T>
class [[nodiscard]] Result {
 public:
  using value_type = T;
  using error_type = Error;

  Result() requires std::is_default_constructible_v<T> : storage_(std::in_place_index<0>) {}
  Result(const T& v) : storage_(std::in_place_index<0>, v) {}        // NOLINT
  Result(T&& v) : storage_(std::in_place_index<0>, std::move(v)) {}  // NOLINT
  template <typename U>
  requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::decay_t<U>, T> &&
           !std::is_same_v<std::decay_t<U>, Result> && !std::is_same_v<std::decay_t<U>, Unexpected<Error>>)
      Result(U&& v)
      : storage_(std::in_place_index<0>, std::forward<U>(v)) {}                            // NOLINT
  Result(Unexpected<Error> e) : storage_(std::in_place_index<1>, std::move(e).error()) {}  // NOLINT

  bool has_value() const noexcept { return storage_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & {
    assert(has_value());
    return std::get<0>(storage_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(storage_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(storage_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  template <typename U>
  T value_or(U&& fallback) const& {
    return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

  Error& error() & {
    assert(!has_value());
    return std::get<1>(storage_);
  }
  const Error& error() const& {
    assert(!has_value());
    return std::get<1>(storage_);
  }
  Error&& error() && {
    assert(!has_value());
    return std::get<1>(std::move(storage_));
  }

 private:
  std::variant<T, Error> storage_;
};

// Result<void>: success carries nothing.
template <>
class [[nodiscard]] Result<void> {
 public:
  using value_type = void;
  using error_type = Error;
  Result() = default;
  Result(Unexpected<Error> e) : error_(std::move(e).error()), ok_(false) {}  // NOLINT

  bool has_value() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok_; }
  void value() const { assert(ok_); }
  Error& error() & {
    assert(!ok_);
    return error_;
  }
  const Error& error() const& {
    assert(!ok_);
    return error_;
  }
  Error&& error() && {
    assert(!ok_);
    return std::move(error_);
  }

 private:
  Error error_{ErrorCode::kInternal, ""};
  bool ok_ = true;
};

}  // namespace vm

// Propagates an error from an expression returning Result<...>.
#define VM_TRY_VOID(expr)                                                                         \
  do {                                                                                            \
    auto vm_try_result_ = (expr);                                                                 \
    if (!vm_try_result_) return ::vm::Unexpected<::vm::Error>(std::move(vm_try_result_).error()); \
  } while (0)

// Evaluates a Result<T> expression; on error returns it from the enclosing
// function, otherwise moves the value into `lhs` (a declaration or lvalue):
//   VM_TRY_ASSIGN(auto elf, read_elf_file(path));
// It expands to several statements, so do not use it as the body of an
// unbraced if/for.
#define VM_TRY_ASSIGN(lhs, ...) VM_TRY_ASSIGN_IMPL_(VM_TRY_CONCAT_(vm_try_value_, __LINE__), lhs, (__VA_ARGS__))
#define VM_TRY_CONCAT_INNER_(a, b) a##b
#define VM_TRY_CONCAT_(a, b) VM_TRY_CONCAT_INNER_(a, b)
#define VM_TRY_ASSIGN_IMPL_(tmp, lhs, expr)                               \
  auto tmp = (expr);                                                      \
  if (!tmp) return ::vm::Unexpected<::vm::Error>(std::move(tmp).error()); \
  lhs = std::move(tmp).value()
