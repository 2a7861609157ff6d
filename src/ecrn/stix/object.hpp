// The STIX 2.1 object model: objects kept as the JSON they arrived as (so
// unknown and custom properties and extensions survive a round trip), with
// parsing under size and depth limits, and serialisation. No I/O.
// Thread-compatible (values).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "ecrn/core/result.hpp"

namespace ecrn::stix {

// Limits on untrusted JSON. Exceeding one fails with ErrorCode::kTooLarge.
struct ParseLimits {
  size_t max_bytes = size_t{1} << 30;  // whole document
  size_t max_depth = 64;               // nesting of arrays and objects
  size_t max_objects = 5'000'000;      // STIX objects in one document
};

// One STIX object. The JSON is the source of truth; accessors read it.
class Object {
 public:
  Object() = default;
  explicit Object(boost::json::object json) : json_(std::move(json)) {}

  // Common properties; empty views when absent or not strings. Views stay
  // valid while this object is alive and unmodified.
  std::string_view type() const { return Str("type"); }
  std::string_view id() const { return Str("id"); }
  std::string_view spec_version() const { return Str("spec_version"); }
  std::string_view created() const { return Str("created"); }
  std::string_view modified() const { return Str("modified"); }
  std::string_view created_by_ref() const { return Str("created_by_ref"); }
  // The string property `key`, or empty.
  std::string_view Str(std::string_view key) const;

  const boost::json::object& json() const { return json_; }
  boost::json::object& json() { return json_; }

  friend bool operator==(const Object& a, const Object& b) { return a.json_ == b.json_; }

 private:
  boost::json::object json_;
};

// Parses JSON text under `limits`. kInvalidArgument on a syntax error (with
// the position), kTooLarge when a limit is exceeded.
Result<boost::json::value> ParseJson(std::string_view text, const ParseLimits& limits = {});

// One element of a STIX document that is not an object we could take.
struct InputProblem {
  size_t index = 0;     // position in the flattened input
  std::string id;       // the element's "id" when it has one
  std::string message;  // what is wrong
};

// The STIX objects found in a document: a bundle, a list of bundles and/or
// objects, or one object. Elements that are not JSON objects (or that lack a
// "type") are reported in `problems` rather than failing the whole document.
struct ParsedDocument {
  std::vector<Object> objects;
  std::vector<InputProblem> problems;
};

// Flattens an already parsed JSON value (see ParsedDocument).
Result<ParsedDocument> ObjectsFromJson(boost::json::value value, const ParseLimits& limits = {});
// ParseJson then ObjectsFromJson. The objects of one document share the
// document's memory arena: read them from any number of threads, but copy or
// modify objects of one document from one thread at a time.
Result<ParsedDocument> ParseDocument(std::string_view text, const ParseLimits& limits = {});

// Compact JSON text of an object.
std::string Serialize(const Object& object);

// A STIX 2.1 bundle {"type":"bundle","id":bundle_id,"objects":[...]} as text.
std::string SerializeBundle(std::span<const Object> objects, std::string_view bundle_id);

// True when `id` is "<type>--<uuid>" with a lower-case type of STIX form.
bool IsStixIdentifier(std::string_view id);
// The type part of an identifier ("indicator" of "indicator--..."), or empty.
std::string_view IdentifierType(std::string_view id);

}  // namespace ecrn::stix
