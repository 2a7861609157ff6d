#include "ecrn/stix/tlp.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace ecrn::stix {
namespace {

struct MarkingId {
  std::string_view id;
  Tlp tlp;
};

constexpr std::array<MarkingId, 9> kMarkings = {{
    {"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", Tlp::kClear},
    {"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", Tlp::kGreen},
    {"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", Tlp::kAmber},
    {"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", Tlp::kAmberStrict},
    {"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", Tlp::kRed},
    // TLP 1.0, as defined in the STIX 2.1 specification.
    {"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", Tlp::kClear},
    {"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", Tlp::kGreen},
    {"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", Tlp::kAmber},
    {"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", Tlp::kRed},
}};

}  // namespace

std::string_view TlpToken(Tlp tlp) {
  switch (tlp) {
    case Tlp::kClear:
      return "clear";
    case Tlp::kGreen:
      return "green";
    case Tlp::kAmber:
      return "amber";
    case Tlp::kAmberStrict:
      return "amber+strict";
    case Tlp::kRed:
      return "red";
  }
  return "amber";
}

std::string_view TlpLabel(Tlp tlp) {
  switch (tlp) {
    case Tlp::kClear:
      return "TLP:CLEAR";
    case Tlp::kGreen:
      return "TLP:GREEN";
    case Tlp::kAmber:
      return "TLP:AMBER";
    case Tlp::kAmberStrict:
      return "TLP:AMBER+STRICT";
    case Tlp::kRed:
      return "TLP:RED";
  }
  return "TLP:AMBER";
}

std::optional<Tlp> TlpFromName(std::string_view name) {
  std::string n;
  for (char c : name) n += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (n.rfind("tlp:", 0) == 0) n.erase(0, 4);
  if (n == "clear" || n == "white") return Tlp::kClear;
  if (n == "green") return Tlp::kGreen;
  if (n == "amber") return Tlp::kAmber;
  if (n == "amber+strict" || n == "amber-strict" || n == "amber_strict") return Tlp::kAmberStrict;
  if (n == "red") return Tlp::kRed;
  return std::nullopt;
}

std::string_view TlpMarkingId(Tlp tlp) { return kMarkings[static_cast<size_t>(tlp)].id; }

std::optional<Tlp> TlpFromMarkingId(std::string_view marking_id) {
  for (const auto& m : kMarkings) {
    if (m.id == marking_id) return m.tlp;
  }
  return std::nullopt;
}

std::optional<Tlp> ObjectTlp(const Object& object) {
  std::optional<Tlp> result;
  auto consider = [&](const boost::json::value& refs) {
    if (!refs.is_array()) return;
    for (const auto& r : refs.get_array()) {
      if (!r.is_string()) continue;
      auto t = TlpFromMarkingId(std::string_view(r.get_string()));
      if (t && (!result || *t > *result)) result = t;
    }
  };
  const auto& j = object.json();
  if (auto it = j.find("object_marking_refs"); it != j.end()) consider(it->value());
  if (auto it = j.find("granular_markings"); it != j.end() && it->value().is_array()) {
    for (const auto& g : it->value().get_array()) {
      if (!g.is_object()) continue;
      if (auto m = g.get_object().find("marking_ref"); m != g.get_object().end()) {
        boost::json::array one;
        one.push_back(m->value());
        consider(one);
      }
    }
  }
  return result;
}

}  // namespace ecrn::stix
