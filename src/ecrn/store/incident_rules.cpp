#include "ecrn/store/incident_rules.hpp"

#include <algorithm>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "ecrn/core/secrets.hpp"
#include "ecrn/core/uuid.hpp"
#include "ecrn/store/audit_append.hpp"

namespace ecrn::store {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return out;
}

}  // namespace

std::string_view IncidentLogName(IncidentLog log) {
  return log == IncidentLog::kTimeline ? "timeline" : "custody";
}

Result<AuditEntry> NextChainEntry(const AuditRecord& record, StoredChainHead& head) {
  ECRN_ASSIGN_OR_RETURN(AuditEntry e,
                        NextAuditEntry(record, AuditHead{head.seq, head.hash, head.time}));
  head = {e.seq, e.hash, e.time};
  return e;
}

Result<EvidenceMeta> CheckedEvidence(const EvidenceMeta& meta, std::string_view data) {
  if (meta.incident_id <= 0) return Error::Invalid("evidence needs the case it belongs to");
  if (meta.size != static_cast<int64_t>(data.size())) {
    return Error::Invalid("the evidence size (" + std::to_string(meta.size) +
                          " bytes) does not match the data received (" +
                          std::to_string(data.size()) + " bytes)");
  }
  EvidenceMeta out = meta;
  out.sha256 = Sha256Hex(data);
  if (Lower(meta.sha256) != out.sha256) {
    return Error::Invalid("the evidence SHA-256 does not match the data received (computed " +
                          out.sha256 + ")");
  }
  if (out.uuid.empty()) out.uuid = UuidV4();
  return out;
}

Result<PackageRow> CheckedPackage(const PackageRow& row, std::string_view zip) {
  if (row.incident_id <= 0) return Error::Invalid("a package needs the case it belongs to");
  PackageRow out = row;
  out.sha256 = Sha256Hex(zip);
  out.size = static_cast<int64_t>(zip.size());
  if (!row.sha256.empty() && Lower(row.sha256) != out.sha256) {
    return Error::Invalid("the package SHA-256 does not match the zip (computed " + out.sha256 +
                          ")");
  }
  if (row.size != 0 && row.size != out.size) {
    return Error::Invalid("the package size does not match the zip (" + std::to_string(out.size) +
                          " bytes)");
  }
  if (out.uuid.empty()) out.uuid = UuidV4();
  return out;
}

std::string EventsJson(const std::vector<std::string>& events) {
  boost::json::array a;
  for (const auto& e : events) a.emplace_back(e);
  return boost::json::serialize(a);
}

std::vector<std::string> EventsFromJson(std::string_view json) {
  std::vector<std::string> out;
  boost::json::error_code ec;
  boost::json::value v = boost::json::parse(json, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& e : v.as_array()) {
    if (e.is_string()) out.emplace_back(e.as_string());
  }
  return out;
}

bool IsNumericId(std::string_view text) {
  return !text.empty() && text.size() <= 18 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Error NoSuchIncident(std::string_view id) {
  return Error::NotFound("no incident '" + std::string(id) + "'");
}

}  // namespace ecrn::store
