#include "ecrn/incident/json_reader.hpp"

#include <algorithm>
#include <utility>

#include <boost/json/object.hpp>

#include "ecrn/core/audit_chain.hpp"

namespace ecrn::incident {
namespace json = boost::json;

JsonReader::JsonReader(const json::value& value, std::string prefix,
                       std::vector<FieldProblem>& problems)
    : prefix_(std::move(prefix)), problems_(&problems) {
  if (value.is_object()) {
    object_ = &value.get_object();
  } else {
    problems_->push_back({prefix_.empty() ? "document" : prefix_, "must be a JSON object"});
  }
}

std::string JsonReader::Path(std::string_view key) const {
  return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
}

void JsonReader::Problem(std::string_view key, std::string message) {
  problems_->push_back({Path(key), std::move(message)});
}

const json::value* JsonReader::Get(std::string_view key, bool required) {
  asked_.emplace_back(key);
  const json::value* v = object_ ? object_->if_contains(key) : nullptr;
  if (v && v->is_null()) v = nullptr;
  if (!v && required && object_) Problem(key, "required");
  return v;
}

std::string JsonReader::Str(std::string_view key, bool required) {
  const json::value* v = Get(key, required);
  if (!v) return {};
  if (!v->is_string()) {
    Problem(key, "must be a string");
    return {};
  }
  return std::string(v->get_string());
}

std::optional<std::string> JsonReader::OptStr(std::string_view key) {
  const json::value* v = Get(key, false);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    Problem(key, "must be a string");
    return std::nullopt;
  }
  return std::string(v->get_string());
}

std::optional<Micros> JsonReader::Time(std::string_view key, bool required) {
  const json::value* v = Get(key, required);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    Problem(key, "must be a timestamp string");
    return std::nullopt;
  }
  auto t = ParseTimestamp(v->get_string());
  if (!t) {
    Problem(key, "must be an RFC 3339 UTC timestamp such as 2026-05-01T14:30:00Z");
    return std::nullopt;
  }
  return t->micros;
}

std::vector<std::string> JsonReader::StrList(std::string_view key, bool required) {
  std::vector<std::string> out;
  const json::value* v = Get(key, required);
  if (!v) return out;
  if (!v->is_array()) {
    Problem(key, "must be a list of strings");
    return out;
  }
  for (const json::value& item : v->get_array()) {
    if (!item.is_string()) {
      Problem(key, "must be a list of strings");
      return {};
    }
    out.emplace_back(item.get_string());
  }
  return out;
}

std::optional<int64_t> JsonReader::Int(std::string_view key, bool required) {
  const json::value* v = Get(key, required);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return static_cast<int64_t>(v->get_uint64());
  }
  Problem(key, "must be an integer");
  return std::nullopt;
}

JsonReader JsonReader::Object(std::string_view key, bool required) {
  const json::value* v = Get(key, required);
  if (!v) return JsonReader(Path(key), *problems_);
  return JsonReader(*v, Path(key), *problems_);
}

void JsonReader::ForEach(std::string_view key, bool required,
                         const std::function<void(JsonReader&)>& each) {
  const json::value* v = Get(key, required);
  if (!v) return;
  if (!v->is_array()) {
    Problem(key, "must be a list");
    return;
  }
  const json::array& items = v->get_array();
  for (size_t i = 0; i < items.size(); ++i) {
    JsonReader item(items[i], Path(key) + "[" + std::to_string(i) + "]", *problems_);
    if (!item.present()) continue;
    each(item);
    item.RejectUnknown();
  }
}

void JsonReader::RejectUnknown() {
  if (!object_) return;
  for (const auto& kv : *object_) {
    if (std::find(asked_.begin(), asked_.end(), kv.key()) == asked_.end()) {
      // The name is untrusted: shown cut short and made valid UTF-8.
      Problem(AuditSafeText(kv.key().substr(0, 64)), "unknown field");
    }
  }
}

}  // namespace ecrn::incident
