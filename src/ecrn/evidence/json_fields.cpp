#include "ecrn/evidence/json_fields.hpp"

#include <boost/json/parse.hpp>

namespace ecrn::evidence {
namespace json = boost::json;

Result<json::value> ParseJsonObject(std::string_view text) {
  json::parse_options options;
  options.max_depth = 32;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec, {}, options);
  if (ec) return Error::Invalid("not valid JSON: " + ec.message());
  if (!v.is_object()) return Error::Invalid("not a JSON object");
  return v;
}

Result<std::string> StringField(const json::object& o, std::string_view key,
                                const std::string& where) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_string()) {
    return Error::Invalid(where + "\"" + std::string(key) + "\" is missing or not a string");
  }
  return std::string(v->as_string());
}

Result<int64_t> IntField(const json::object& o, std::string_view key, const std::string& where) {
  const json::value* v = o.if_contains(key);
  if (v && v->is_int64()) return v->as_int64();
  if (v && v->is_uint64() && v->as_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return static_cast<int64_t>(v->as_uint64());
  }
  return Error::Invalid(where + "\"" + std::string(key) + "\" is missing or not an integer");
}

Result<const json::object*> ObjectField(const json::object& o, std::string_view key,
                                        const std::string& where) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_object()) {
    return Error::Invalid(where + "\"" + std::string(key) + "\" is missing or not an object");
  }
  return &v->as_object();
}

}  // namespace ecrn::evidence
