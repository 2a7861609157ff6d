// Private to evidence/: strict reading of fields from untrusted JSON (the
// files of a package), with errors that name the field. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "ecrn/core/result.hpp"

namespace ecrn::evidence {

// Parses `text` as one JSON object (depth at most 32); kInvalidArgument
// "not valid JSON: ..." / "not a JSON object" otherwise.
Result<boost::json::value> ParseJsonObject(std::string_view text);

// o[key] as a string / a 64-bit integer / an object; kInvalidArgument
// "<where>\"key\" is missing or not a string" otherwise.
Result<std::string> StringField(const boost::json::object& o, std::string_view key,
                                const std::string& where);
Result<int64_t> IntField(const boost::json::object& o, std::string_view key,
                         const std::string& where);
Result<const boost::json::object*> ObjectField(const boost::json::object& o, std::string_view key,
                                               const std::string& where);

}  // namespace ecrn::evidence
