// Errors as values for every layer above the protocol core: one template, Result<T, E>.
// E defaults to Error, a message plus the chain of causes that programs print as
// "Caused by:" lines (the reference's anyhow format). A layer whose callers branch on what
// went wrong names a typed error instead, {kind enum, message}: Result<DeviceInfo, WgError>,
// Result<Ok, LinkFailure>, Result<Ok, SinkError>. The kind stays checked by the compiler
// (no shared catch-all enum across layers, no integer codes) and its message is the text
// users see; an edge that only reports turns it into an Error (make_error(e.message)).
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

// Either a value or an error. Deliberately tiny: ok(), value(), error().
template <class T, class E = Error>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Result(E e) : v_(std::in_place_index<1>, std::move(e)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const E& error() const { return std::get<1>(v_); }
  E& error() { return std::get<1>(v_); }

 private:
  std::variant<T, E> v_;
};

// Result<void>: success or an Error (typed: Result<Ok, E>).
struct Ok {};
using Status = Result<Ok>;
inline Status ok_status() {
  return Ok{};
}

inline Error make_error(std::string message) {
  return Error{std::move(message), {}};
}

}  // namespace rosenpass::base
