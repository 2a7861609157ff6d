#include "ecrn/stix/object.hpp"

#include <boost/json/stream_parser.hpp>
#include <boost/json/serialize.hpp>

#include "ecrn/core/uuid.hpp"

namespace ecrn::stix {

namespace json = boost::json;

std::string_view Object::Str(std::string_view key) const {
  auto it = json_.find(key);
  if (it == json_.end() || !it->value().is_string()) return {};
  const auto& s = it->value().get_string();
  return {s.data(), s.size()};
}

Result<json::value> ParseJson(std::string_view text, const ParseLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return Error{ErrorCode::kTooLarge,
                 "document of " + std::to_string(text.size()) + " bytes exceeds the limit of " +
                     std::to_string(limits.max_bytes),
                 {}};
  }
  json::parse_options opts;
  opts.max_depth = limits.max_depth;
  json::stream_parser parser({}, opts);
  boost::system::error_code ec;
  size_t used = parser.write_some(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    if (ec == json::error::too_deep) {
      return Error{ErrorCode::kTooLarge,
                   "JSON nesting exceeds the limit of " + std::to_string(limits.max_depth), {}};
    }
    // Report the 1-based line and column of the failure.
    size_t line = 1, col = 1;
    for (size_t i = 0; i < used && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    return Error::Invalid("invalid JSON at line " + std::to_string(line) + ", column " +
                          std::to_string(col) + ": " + ec.message());
  }
  return parser.release();
}

namespace {

void Flatten(json::value& v, ParsedDocument& out, size_t& index, bool top) {
  if (v.is_array() && top) {
    for (auto& el : v.get_array()) Flatten(el, out, index, false);
    return;
  }
  if (v.is_object()) {
    auto& o = v.get_object();
    auto type = o.find("type");
    if (type != o.end() && type->value().is_string() && type->value().get_string() == "bundle") {
      auto objs = o.find("objects");
      if (objs != o.end() && objs->value().is_array()) {
        for (auto& el : objs->value().get_array()) Flatten(el, out, index, false);
      }
      return;
    }
    if (type == o.end() || !type->value().is_string()) {
      std::string id;
      if (auto it = o.find("id"); it != o.end() && it->value().is_string()) {
        id = std::string(it->value().get_string());
      }
      out.problems.push_back({index++, std::move(id), "object has no string 'type' property"});
      return;
    }
    out.objects.emplace_back(std::move(o));
    ++index;
    return;
  }
  out.problems.push_back({index++, {}, "element is not a JSON object"});
}

}  // namespace

Result<ParsedDocument> ObjectsFromJson(json::value value, const ParseLimits& limits) {
  ParsedDocument doc;
  size_t index = 0;
  if (value.is_array()) {
    // A list of bundles and/or objects.
    for (auto& el : value.get_array()) Flatten(el, doc, index, false);
  } else if (value.is_object()) {
    Flatten(value, doc, index, false);
  } else {
    return Error::Invalid("expected a STIX bundle, an object, or a list of them");
  }
  if (doc.objects.size() > limits.max_objects) {
    return Error{ErrorCode::kTooLarge,
                 "document holds " + std::to_string(doc.objects.size()) +
                     " objects, more than the limit of " + std::to_string(limits.max_objects),
                 {}};
  }
  return doc;
}

Result<ParsedDocument> ParseDocument(std::string_view text, const ParseLimits& limits) {
  ECRN_ASSIGN_OR_RETURN(json::value v, ParseJson(text, limits));
  return ObjectsFromJson(std::move(v), limits);
}

std::string Serialize(const Object& object) { return json::serialize(object.json()); }

std::string SerializeBundle(std::span<const Object> objects, std::string_view bundle_id) {
  std::string out = R"({"type":"bundle","id":)";
  out += json::serialize(json::value(json::string_view(bundle_id.data(), bundle_id.size())));
  out += R"(,"objects":[)";
  bool first = true;
  for (const auto& o : objects) {
    if (!first) out += ',';
    first = false;
    out += json::serialize(o.json());
  }
  out += "]}";
  return out;
}

std::string_view IdentifierType(std::string_view id) {
  auto pos = id.find("--");
  if (pos == std::string_view::npos) return {};
  return id.substr(0, pos);
}

bool IsStixIdentifier(std::string_view id) {
  auto pos = id.find("--");
  if (pos == std::string_view::npos || pos == 0 || pos > 250) return false;
  auto type = id.substr(0, pos);
  for (char c : type) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return IsUuid(id.substr(pos + 2));
}

}  // namespace ecrn::stix
