// error_code: which module failed and how, with readable text (Redpanda's pattern). Each
// module lists its codes once, in its errc.h, giving every code a name ("null_key"), the
// dead-letter kind it is reported as ("write") and a message ("a key column of the record is
// null"); SLUICE_ERRC_ENUM makes `enum class errc` of that list and SLUICE_ERRC_CATEGORY (in
// errc.cpp) its table. `make_error_code(errc)` (found by argument-dependent lookup) turns a
// module's errc into an error_code, so any errc converts implicitly:
//   return error::permanent(postgres::errc::null_key, "table t: column id is null");
#pragma once
#include <cstddef>
#include <iterator>
#include <string>
#include <type_traits>
#include <utility>

namespace sluice {

// One code of a module: its row in the module's table.
struct error_entry {
  const char* name;     // "null_key": an identifier, unique within the module
  const char* kind;     // the dead-letter kind: "eval", "write", "decode", "require", ...
  const char* message;  // what it means, for people
};

// A module's codes: one constant instance per module, its errc values index `entries`.
struct error_category {
  const char* module;  // "postgres", "eval", "engine", ...
  const error_entry* entries;
  size_t size;
};

class error_code {
 public:
  constexpr error_code() = default;  // no code (older string-only errors)
  constexpr error_code(int value, const error_category& category)
      : value_(value), category_(&category) {}
  // Any module errc (an enum with a make_error_code overload in its namespace).
  template <class E, class = std::enable_if_t<std::is_enum_v<E>>,
            class = decltype(make_error_code(std::declval<E>()))>
  error_code(E e) : error_code(make_error_code(e)) {}  // NOLINT(google-explicit-constructor)

  explicit operator bool() const { return category_ != nullptr; }
  int value() const { return value_; }
  const error_category* category() const { return category_; }
  // "" when there is no code; "?" for a value outside the module's table.
  const char* module() const { return category_ != nullptr ? category_->module : ""; }
  const char* name() const { return entry().name; }
  const char* kind() const { return entry().kind; }
  const char* message() const { return entry().message; }
  // "module.name" ("postgres.null_key"), "" when there is no code.
  std::string qualified() const;

  friend bool operator==(const error_code& a, const error_code& b) {
    return a.category_ == b.category_ && (a.category_ == nullptr || a.value_ == b.value_);
  }
  friend bool operator!=(const error_code& a, const error_code& b) { return !(a == b); }

 private:
  const error_entry& entry() const;
  int value_ = 0;
  const error_category* category_ = nullptr;
};

}  // namespace sluice

// A module's codes come from one list in its errc.h, a macro with one X(name, "kind", "message")
// line per code (the lines joined by backslashes):
//   #define SLUICE_FILE_ERRORS(X)
//     X(open, "source", "the file cannot be opened")
//     X(write, "write", "writing to the file failed")
// SLUICE_ERRC_ENUM(sluice::operators::file, SLUICE_FILE_ERRORS) (in errc.h) declares, in that
// namespace, `enum class errc` with the names in the list's order and make_error_code;
// SLUICE_ERRC_CATEGORY(sluice::operators::file, "file", SLUICE_FILE_ERRORS) (in errc.cpp)
// defines the module's table and make_error_code: the error_code of e, with module "file" and
// e's name, kind and message.
#define SLUICE_ERRC_NAME(name, kind, message) name,
#define SLUICE_ERRC_ENTRY(name, kind, message) ::sluice::error_entry{#name, kind, message},

#define SLUICE_ERRC_ENUM(NAMESPACE, LIST)           \
  namespace NAMESPACE {                             \
  enum class errc : int { LIST(SLUICE_ERRC_NAME) }; \
  ::sluice::error_code make_error_code(errc e);     \
  }

#define SLUICE_ERRC_CATEGORY(NAMESPACE, module, LIST)                                              \
  namespace NAMESPACE {                                                                            \
  namespace {                                                                                      \
  constexpr ::sluice::error_entry kErrcEntries[] = {LIST(SLUICE_ERRC_ENTRY)};                      \
  constexpr ::sluice::error_category kErrcCategory{module, kErrcEntries, std::size(kErrcEntries)}; \
  }                                                                                                \
  ::sluice::error_code make_error_code(errc e) { return {static_cast<int>(e), kErrcCategory}; }    \
  }
