// Errors as values for every layer above the protocol core: a message plus the chain of
// causes that programs print as "Caused by:" lines (the reference's anyhow format).
#pragma once

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace rosenpass::base {

struct Error {
  std::string message;
  std::vector<std::string> causes;  // innermost last

  // The one-record text the reference prints: message, then "Caused by:" lines.
  std::string chain() const;
  // This error wrapped in an outer context message.
  Error context(std::string outer) const;
};

// Either a value or an Error. Deliberately tiny: ok(), value(), error().
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error e) : v_(std::move(e)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success or an Error.
struct Ok {};
using Status = Result<Ok>;
inline Status ok_status() {
  return Ok{};
}

inline Error make_error(std::string message) {
  return Error{std::move(message), {}};
}

}  // namespace rosenpass::base
