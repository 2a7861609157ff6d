// A TAXII 2.1 client: discovery, collections, objects (GET with
// added_after / match[type] / limit / next, and POST), status. What the
// sensor uses to pull indicators from a hub and post sightings, and what
// federation will use. Authenticates with an API key (Bearer). Not
// thread-safe: one client per thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ecrn/core/result.hpp"
#include "ecrn/net/http_client.hpp"
#include "ecrn/stix/object.hpp"

namespace ecrn::net {

inline constexpr std::string_view kTaxiiMediaType = "application/taxii+json;version=2.1";

struct TaxiiCollection {
  std::string id;
  std::string title;
  bool can_read = false;
  bool can_write = false;
};

struct ObjectsQuery {
  std::string added_after;         // a TAXII timestamp, or empty
  std::vector<std::string> types;  // match[type], or all types
  size_t limit = 0;                // 0: the server's default
  std::string next;                // from the previous page, or empty
};

struct ObjectsPage {
  std::vector<stix::Object> objects;
  bool more = false;
  std::string next;
  std::string date_added_first;  // X-TAXII-Date-Added-First, or empty
  std::string date_added_last;   // X-TAXII-Date-Added-Last, or empty
};

struct TaxiiStatus {
  std::string id;
  std::string status;  // "pending" or "complete"
  int64_t total_count = 0;
  int64_t success_count = 0;
  int64_t failure_count = 0;
  int64_t pending_count = 0;
  // (object id, message) of each failure the server listed.
  std::vector<std::pair<std::string, std::string>> failures;
  std::vector<std::string> successes;  // object ids
};

class TaxiiClient {
 public:
  // `hub_url` is the server ("https://hub.example") or its discovery URL
  // ("https://hub.example/taxii2/"); `api_key` is sent as a Bearer token.
  static Result<TaxiiClient> Create(std::string_view hub_url, std::string api_key,
                                    ClientOptions options = {});

  // The API root's path ("/taxii2/ecrn/"): discovery's `default`, else its
  // only root. Asked once, then remembered.
  Result<std::string> ApiRoot();
  // The collections the key can see.
  Result<std::vector<TaxiiCollection>> Collections();
  Result<ObjectsPage> GetObjects(std::string_view collection_id, const ObjectsQuery& query);
  // Posts an envelope {"objects": [...]} (JSON text); the status the server
  // answered with (202).
  Result<TaxiiStatus> AddObjects(std::string_view collection_id, std::string_view envelope_json);
  Result<TaxiiStatus> GetStatus(std::string_view status_id);

  const std::string& origin() const { return http_.origin(); }

 private:
  TaxiiClient(HttpClient http, std::string discovery_path, std::string api_key);
  // One TAXII request; a 2xx TAXII JSON body is returned parsed, anything else
  // becomes an Error carrying the server's TAXII error title/description.
  Result<boost::json::value> Call(std::string_view method, std::string_view target,
                                  std::string_view body, HttpResponse* raw = nullptr);

  HttpClient http_;
  std::string discovery_path_;
  std::string api_key_;
  std::string api_root_;
};

}  // namespace ecrn::net
