#include "ecrn/http/openapi.hpp"

#include <string>

namespace ecrn::http {

void AddOpenApiRoute(Router& router) {
  router.Add("GET", kOpenApiPath, [](const RouteContext&) {
    return MakeResponse(200, kJsonType, std::string(OpenApiDocument()));
  });
}

}  // namespace ecrn::http
