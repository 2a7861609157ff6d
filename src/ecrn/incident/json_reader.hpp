// Private to incident/: strict reading of one JSON object's members, each
// problem recorded as a FieldProblem with the member's path. Not thread-safe
// (one reader per object being read).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "ecrn/core/time.hpp"
#include "ecrn/incident/case.hpp"

namespace ecrn::incident {

class JsonReader {
 public:
  // Reads `value`, which must be an object (else one problem at `prefix`, or
  // "document" when the prefix is empty). `problems` must outlive the reader.
  JsonReader(const boost::json::value& value, std::string prefix,
             std::vector<FieldProblem>& problems);

  // False when the value was not an object (or, for Object(), was absent).
  bool present() const { return object_ != nullptr; }

  // A string member; "" when absent (a problem when `required`) or not a string.
  std::string Str(std::string_view key, bool required);
  // A string member, nullopt when absent or null.
  std::optional<std::string> OptStr(std::string_view key);
  // An RFC 3339 timestamp member; nullopt when absent/null (a problem when
  // `required`) or malformed (a problem).
  std::optional<Micros> Time(std::string_view key, bool required);
  // An array of strings; empty when absent (a problem when `required`).
  std::vector<std::string> StrList(std::string_view key, bool required);
  // An integer member.
  std::optional<int64_t> Int(std::string_view key, bool required);
  // A nested object member (present() false when absent or not an object).
  JsonReader Object(std::string_view key, bool required);
  // Calls `each` with a reader for every element of an array of objects.
  void ForEach(std::string_view key, bool required, const std::function<void(JsonReader&)>& each);
  // Records a problem for every member none of the calls above asked for.
  void RejectUnknown();

  // The path of a member, e.g. "tasks[2].due".
  std::string Path(std::string_view key) const;
  void Problem(std::string_view key, std::string message);

 private:
  JsonReader(std::string prefix, std::vector<FieldProblem>& problems)
      : prefix_(std::move(prefix)), problems_(&problems) {}
  const boost::json::value* Get(std::string_view key, bool required);

  const boost::json::object* object_ = nullptr;
  std::string prefix_;
  std::vector<FieldProblem>* problems_;
  std::vector<std::string> asked_;
};

}  // namespace ecrn::incident
