// The OpenAPI 3.1 document of the REST API (/api/v1) and the TAXII 2.1
// routes, embedded in the binary at build time from src/ecrn/http/openapi.json
// (the source of truth), and the route that serves it. Thread-safe: constant
// data.
#pragma once

#include <string_view>

#include "ecrn/http/router.hpp"

namespace ecrn::http {

inline constexpr std::string_view kOpenApiPath = "/api/v1/openapi.json";

// The document's bytes (JSON, UTF-8) exactly as in openapi.json. Static
// storage: the view stays valid for the life of the program. Never fails.
std::string_view OpenApiDocument();

// Adds GET kOpenApiPath (also HEAD), answering the document as
// application/json without authentication: it describes the API and reveals
// no data. AddRestRoutes calls it.
void AddOpenApiRoute(Router& router);

}  // namespace ecrn::http
