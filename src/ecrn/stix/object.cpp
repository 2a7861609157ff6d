#include "ecrn/stix/object.hpp"

#include <charconv>
#include <cmath>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_stack.hpp>

#include "ecrn/core/uuid.hpp"

namespace ecrn::stix {

namespace json = boost::json;

std::string_view Object::Str(std::string_view key) const {
  auto it = json_.find(key);
  if (it == json_.end() || !it->value().is_string()) return {};
  const auto& s = it->value().get_string();
  return {s.data(), s.size()};
}

namespace {

// Builds a json::value as boost::json::parser does, except for numbers with
// a fraction or exponent: Boost.JSON 1.81 converts those inexactly (off by an
// ulp, e.g. 2.5e64), so a stored object's numbers drifted on every
// parse/serialise round trip; here they are converted with std::from_chars
// (correctly rounded). Numbers beyond the range of a double are rejected:
// they would serialise as the non-JSON "Infinity". (Both found by
// fuzz/fuzz_stix_parse; see tests/regress/json_number_round_trip_test.cpp.)
class PreciseJsonHandler {
 public:
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  json::value_stack st;
  bool out_of_range = false;

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) { return true; }
  bool on_object_end(std::size_t n, json::error_code&) {
    st.push_object(n);
    return true;
  }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(std::size_t n, json::error_code&) {
    st.push_array(n);
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    st.push_chars(s);
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    st.push_key(s);
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    st.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code&) {
    st.push_string(s);
    return true;
  }
  bool on_number_part(json::string_view s, json::error_code&) {
    number_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, json::string_view, json::error_code&) {
    number_.clear();
    st.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, json::string_view, json::error_code&) {
    number_.clear();
    st.push_uint64(u);
    return true;
  }
  bool on_double(double d, json::string_view s, json::error_code& ec) {
    number_.append(s.data(), s.size());
    double exact = 0;
    const char* end = number_.data() + number_.size();
    auto [ptr, err] = std::from_chars(number_.data(), end, exact);
    number_.clear();
    if (err == std::errc() && ptr == end) {
      d = exact;
    } else if (std::isinf(d) || std::fabs(d) > 1) {
      out_of_range = true;
      ec = json::error::exponent_overflow;
      return false;
    } else {
      d = std::signbit(d) ? -0.0 : 0.0;  // underflow
    }
    st.push_double(d);
    return true;
  }
  bool on_bool(bool b, json::error_code&) {
    st.push_bool(b);
    return true;
  }
  bool on_null(json::error_code&) {
    st.push_null();
    return true;
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  std::string number_;
};

}  // namespace

Result<json::value> ParseJson(std::string_view text, const ParseLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return Error{ErrorCode::kTooLarge,
                 "document of " + std::to_string(text.size()) + " bytes exceeds the limit of " +
                     std::to_string(limits.max_bytes),
                 {}};
  }
  json::parse_options opts;
  opts.max_depth = limits.max_depth;
  json::basic_parser<PreciseJsonHandler> parser(opts);
  // One arena per document: a bundle of 100,000 objects is a few million
  // small allocations, which a monotonic resource makes nearly free to make
  // and to release. Objects taken from the document keep the arena alive.
  parser.handler().st.reset(json::make_shared_resource<json::monotonic_resource>());
  boost::system::error_code ec;
  size_t used = parser.write_some(false, text.data(), text.size(), ec);
  if (!ec && used < text.size()) ec = json::error::extra_data;
  if (ec) {
    if (ec == json::error::too_deep) {
      return Error{ErrorCode::kTooLarge,
                   "JSON nesting exceeds the limit of " + std::to_string(limits.max_depth),
                   {}};
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
                          std::to_string(col) + ": " +
                          (parser.handler().out_of_range ? "number out of range" : ec.message()));
  }
  return parser.handler().st.release();
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
