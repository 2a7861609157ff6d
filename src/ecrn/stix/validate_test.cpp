// Tests of the STIX 2.1 validator: published examples pass, every defect in
// tests/data/stix-invalid is reported at the right object and property.
#include "ecrn/stix/validate.hpp"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "testing/testing.hpp"

namespace ecrn::stix {
namespace {

namespace fs = std::filesystem;

Object Parse(const std::string& text) {
  auto doc = ParseDocument(text);
  EXPECT_TRUE(doc.ok()) << (doc.ok() ? "" : doc.error().message);
  if (!doc.ok() || doc->objects.size() != 1) {
    ADD_FAILURE() << "expected exactly one object in " << text;
    return Object{};
  }
  return doc->objects.front();
}

std::string Describe(const std::vector<Finding>& findings) {
  std::string out;
  for (const auto& f : findings) {
    out += (f.severity == Severity::kError ? "  error " : "  warning ") + f.object_id + " " +
           f.property + ": " + f.message + "\n";
  }
  return out;
}

std::vector<Finding> Errors(const std::vector<Finding>& findings) {
  std::vector<Finding> out;
  for (const auto& f : findings) {
    if (f.severity == Severity::kError) out.push_back(f);
  }
  return out;
}

std::vector<fs::path> FixtureFiles() {
  std::vector<fs::path> files;
  for (const auto& e :
       fs::recursive_directory_iterator(testing::SharedDir() / "fixtures" / "stix-examples")) {
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
  }
  files.push_back(testing::SharedDir() / "fixtures" / "disarm" / "DISARM.json");
  return files;
}

TEST(StixValidate, PublishedFixturesHaveNoErrors) {
  auto files = FixtureFiles();
  ASSERT_GE(files.size(), 9u);
  size_t objects = 0;
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    auto doc = ParseDocument(testing::ReadFile(file));
    ASSERT_TRUE(doc.ok()) << doc.error().message;
    EXPECT_TRUE(doc->problems.empty());
    for (const auto& object : doc->objects) {
      ++objects;
      auto findings = Validate(object);
      EXPECT_FALSE(HasErrors(findings)) << Describe(findings);
    }
  }
  EXPECT_GT(objects, 900u);
}

struct InvalidCase {
  std::string file;
  std::string id;
  std::string property;
};

std::vector<InvalidCase> InvalidCases() {
  std::vector<InvalidCase> cases;
  std::istringstream in(
      testing::ReadFile(testing::SourceDir() / "tests/data/stix-invalid/expectations.tsv"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    InvalidCase c;
    std::istringstream fields(line);
    std::getline(fields, c.file, '\t');
    std::getline(fields, c.id, '\t');
    std::getline(fields, c.property, '\t');
    cases.push_back(c);
  }
  return cases;
}

TEST(StixValidate, EveryInvalidObjectIsReportedAtItsProperty) {
  auto cases = InvalidCases();
  ASSERT_GE(cases.size(), 80u);
  std::set<std::string> files;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    EXPECT_TRUE(files.insert(c.file).second) << "duplicate case";
    Object object =
        Parse(testing::ReadFile(testing::SourceDir() / "tests/data/stix-invalid" / c.file));
    auto findings = Validate(object);
    bool found = false;
    for (const auto& f : Errors(findings)) {
      found |= f.object_id == c.id && f.property == c.property;
    }
    EXPECT_TRUE(found) << "expected an error at " << c.property << " of " << c.id << ", got:\n"
                       << Describe(findings);
    EXPECT_TRUE(HasErrors(findings));
  }
}

// Valid objects of many kinds (each exercising optional parts) produce no
// findings at all.
TEST(StixValidate, ValidObjectsAreClean) {
  const char* kValid[] = {
      // TLP 2.0 marking exactly as published.
      R"({"type":"marking-definition","spec_version":"2.1","id":"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421","created":"2022-10-01T00:00:00.000Z","name":"TLP:AMBER","extensions":{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":{"extension_type":"property-extension","tlp_2_0":"amber"}}})",
      R"({"type":"marking-definition","spec_version":"2.1","id":"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003","created":"2022-10-01T00:00:00.000Z","name":"TLP:AMBER+STRICT","extensions":{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":{"extension_type":"property-extension","tlp_2_0":"amber+strict"}}})",
      // TLP 1.0 marking from the STIX 2.1 specification.
      R"({"type":"marking-definition","spec_version":"2.1","id":"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9","created":"2017-01-20T00:00:00.000Z","definition_type":"tlp","name":"TLP:WHITE","definition":{"tlp":"white"}})",
      R"({"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.123456Z","created_by_ref":"identity--f431f809-377b-45e0-aa1c-6a4751cae5ff","indicator_types":["malicious-activity"],"name":"Poison Ivy Malware","pattern":"[file:hashes.'SHA-256' = '4bac27393bdd9777ce02453256c5577cd02275510b2227f473d03f533924f877']","pattern_type":"stix","valid_from":"2016-01-01T00:00:00Z","valid_until":"2017-01-01T00:00:00Z","confidence":85,"lang":"en","labels":["x"],"object_marking_refs":["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"],"granular_markings":[{"selectors":["kill_chain_phases.[0].phase_name","name"],"marking_ref":"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"},{"selectors":["description"],"lang":"en"}],"description":"d","kill_chain_phases":[{"kill_chain_name":"lockheed-martin-cyber-kill-chain","phase_name":"delivery"}],"external_references":[{"source_name":"capec","external_id":"CAPEC-163"},{"source_name":"cve","external_id":"CVE-2016-12345"}]})",
      R"({"type":"sighting","spec_version":"2.1","id":"sighting--ee20065d-2555-424f-ad9e-0f8428623c75","created":"2016-04-06T20:08:31.000Z","modified":"2016-04-06T20:08:31.000Z","first_seen":"2015-12-21T19:00:00Z","last_seen":"2015-12-21T19:00:00Z","count":50,"sighting_of_ref":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","observed_data_refs":["observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf"],"where_sighted_refs":["identity--b67d30ff-02ac-498a-92f9-32f845f448ff","location--a6e9345f-5a15-4c29-8bb3-7dcc5d168d64"],"summary":false})",
      R"({"type":"observed-data","spec_version":"2.1","id":"observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf","created":"2016-04-06T19:58:16.000Z","modified":"2016-04-06T19:58:16.000Z","first_observed":"2015-12-21T19:00:00Z","last_observed":"2015-12-21T19:00:00Z","number_observed":50,"object_refs":["ipv4-addr--efcd5e80-570d-4131-b213-62cb18eaa6a8","domain-name--ecb120bf-2694-4902-a737-62b74539a41b","relationship--7aebe2f0-28d6-48a2-9c3e-b0aaa60266ed"]})",
      R"({"type":"location","spec_version":"2.1","id":"location--a6e9345f-5a15-4c29-8bb3-7dcc5d168d64","created":"2016-04-06T20:03:00.000Z","modified":"2016-04-06T20:03:00.000Z","latitude":48.8566,"longitude":2.3522,"precision":100.0,"region":"western-europe","country":"FR"})",
      R"({"type":"language-content","spec_version":"2.1","id":"language-content--b86bd89f-98bb-4fa9-8cb2-9ad421da981d","created":"2017-02-08T21:31:22.007Z","modified":"2017-02-08T21:31:22.007Z","object_ref":"campaign--12a111f0-b824-4baf-a224-83b80237a094","object_modified":"2017-02-08T21:31:22.007Z","contents":{"de":{"name":"Bank Angriff 1","description":"Weitere Informationen"},"fr":{"name":"Attaque Bank 1"}}})",
      R"({"type":"extension-definition","spec_version":"2.1","id":"extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e","created_by_ref":"identity--11b76a96-5d2b-45e0-8a5a-f6994f370731","created":"2014-02-20T09:16:08.989Z","modified":"2014-02-20T09:16:08.989Z","name":"New SDO 1","description":"This schema creates a new object type called my-favorite-sdo-1","schema":"https://www.example.com/schema-my-favorite-sdo-1/v1/","version":"1.2.1","extension_types":["new-sdo","toplevel-property-extension"],"extension_properties":["toxicity"]})",
      R"({"type":"malware","spec_version":"2.1","id":"malware--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","created":"2016-05-12T08:17:27.000Z","modified":"2016-05-12T08:17:27.000Z","name":"Cryptolocker","is_family":false,"malware_types":["ransomware"],"capabilities":["anti-sandbox"],"implementation_languages":["c++"],"architecture_execution_envs":["x86"],"sample_refs":["file--fb0419a8-f09c-57f8-be64-71a80417591c"],"operating_system_refs":["software--9b7c8d86-05a0-5e8f-a5d5-7f1e8fd6d1a1"],"extensions":{"extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e":{"extension_type":"property-extension","rank":5}}})",
      R"({"type":"network-traffic","spec_version":"2.1","id":"network-traffic--f8f9a0ad-9b7b-5d82-a5a4-47ffd3a7f6a8","src_ref":"ipv4-addr--efcd5e80-570d-4131-b213-62cb18eaa6a8","dst_ref":"domain-name--ecb120bf-2694-4902-a737-62b74539a41b","src_port":49152,"dst_port":443,"protocols":["ipv4","tcp","http"],"is_active":false,"start":"2016-06-19T01:55:59.000Z","end":"2016-06-19T01:56:00.000Z","extensions":{"http-request-ext":{"request_method":"get","request_value":"/download.html","request_version":"http/1.1","request_header":{"Host":"www.example.com"}},"tcp-ext":{"src_flags_hex":"02"}}})",
      R"({"type":"email-message","spec_version":"2.1","id":"email-message--cf9b4b7f-14c8-5955-8065-020e0316b559","is_multipart":true,"date":"1997-06-18T13:57:00.000Z","from_ref":"email-addr--9b7e29b3-fd8d-562e-b3f0-8fc8134f5dda","to_refs":["email-addr--d1b3bf0c-f02a-51a1-8102-11aba7959868"],"subject":"Check out this picture","body_multipart":[{"content_type":"text/plain; charset=utf-8","body":"Cats are funny!"},{"content_type":"image/png","body_raw_ref":"artifact--4cce66f8-6eaa-53cb-85d5-3a85fca3a6c5"}],"additional_header_fields":{"X-Mailer":"x"}})",
      R"({"type":"file","spec_version":"2.1","id":"file--fb0419a8-f09c-57f8-be64-71a80417591c","hashes":{"SHA-256":"ceafbfd424be2ca4a5f0402cae090dda2fb0526cf521b60b60077c0f622b285a","SSDEEP":"3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C"},"size":25536,"name":"foo.dll","parent_directory_ref":"directory--93c0a9b0-520d-545d-9094-1a08ddf46b05","extensions":{"windows-pebinary-ext":{"pe_type":"exe","machine_hex":"014c","number_of_sections":4,"time_date_stamp":"2016-01-22T12:31:12Z","sections":[{"name":".text","size":12,"entropy":6.3}]},"archive-ext":{"contains_refs":["file--019fde1c-94ab-5e62-8dd4-cb31f8a52b20"]}}})",
      R"({"type":"ipv6-addr","spec_version":"2.1","id":"ipv6-addr--1e61d36c-a16c-53b7-a80f-2a00161c96b1","value":"2001:0db8:85a3:0000:0000:8a2e:0370:7334"})",
      R"({"type":"ipv6-addr","spec_version":"2.1","id":"ipv6-addr--5daf7456-8863-5481-9d42-237d477697f4","value":"::ffff:192.0.2.1"})",
      R"({"type":"ipv6-addr","spec_version":"2.1","id":"ipv6-addr--5daf7456-8863-5481-9d42-237d477697f5","value":"fe80::/10"})",
      R"({"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd","value":"10.2.4.5/24","belongs_to_refs":["autonomous-system--f720c34b-98ae-597f-ade5-27ef187c7d53"]})",
      R"({"type":"windows-registry-key","spec_version":"2.1","id":"windows-registry-key--2ba37ae7-2745-5082-9dfd-9486dad41016","key":"HKEY_LOCAL_MACHINE\\System\\Foo\\Bar","values":[{"name":"Foo","data":"qwerty","data_type":"REG_SZ"}]})",
      R"({"type":"artifact","spec_version":"2.1","id":"artifact--6f437177-6e48-5cf8-9d9e-872a2bddd641","mime_type":"application/zip","url":"https://example.com/a.zip","hashes":{"MD5":"6826f9a05da08134006557758bb3afbb"},"encryption_algorithm":"mime-type-indicated","decryption_key":"My voice is my passport"})",
      R"({"type":"user-account","spec_version":"2.1","id":"user-account--0d5b424b-93b8-5cd8-ac36-306e1789d63c","user_id":"1001","account_login":"jdoe","account_type":"unix","is_privileged":false,"account_created":"2016-01-20T12:31:12Z","extensions":{"unix-account-ext":{"gid":1001,"groups":["wheel"],"home_dir":"/home/jdoe","shell":"/bin/bash"}}})",
      R"({"type":"process","spec_version":"2.1","id":"process--f52a906a-0dfc-40bd-92f1-e7778ead38a9","pid":1221,"created_time":"2016-01-20T14:11:25.55Z","command_line":"./gedit-bin --new-window","image_ref":"file--e04f22d1-be2c-59de-add8-10f61d15fe20","extensions":{"windows-service-ext":{"service_name":"sirvizio","start_type":"SERVICE_AUTO_START","service_type":"SERVICE_WIN32_OWN_PROCESS","service_status":"SERVICE_RUNNING"}}})",
      R"({"type":"x-election-narrative","spec_version":"2.1","id":"x-election-narrative--6a1a5d43-5e0c-4b5c-9b39-3a3d0aa0c1a1","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","name":"Ballots are rigged","claims":["a"]})",
      R"({"type":"relationship","spec_version":"2.1","id":"relationship--44298a74-ba52-4f0c-87a3-1824e67d7fad","created":"2016-04-06T20:06:37.000Z","modified":"2016-04-06T20:06:37.000Z","relationship_type":"indicates","source_ref":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","target_ref":"x-election-narrative--6a1a5d43-5e0c-4b5c-9b39-3a3d0aa0c1a1","start_time":"2016-01-01T00:00:00Z","stop_time":"2016-02-01T00:00:00Z"})",
  };
  for (const char* text : kValid) {
    SCOPED_TRACE(text);
    Object object = Parse(text);
    auto findings = Validate(object);
    EXPECT_TRUE(findings.empty()) << Describe(findings);
  }
}

TEST(StixValidate, OpenVocabularyValuesWarnUnlessStrict) {
  Object object = Parse(
      R"({"type":"malware","spec_version":"2.1","id":"malware--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","created":"2016-05-12T08:17:27.000Z","modified":"2016-05-12T08:17:27.000Z","is_family":false,"malware_types":["ransomware","election-wiper"]})");
  auto findings = Validate(object);
  ASSERT_EQ(findings.size(), 1u) << Describe(findings);
  EXPECT_EQ(findings[0].severity, Severity::kWarning);
  EXPECT_EQ(findings[0].property, "malware_types[1]");
  EXPECT_EQ(findings[0].object_id, "malware--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061");
  EXPECT_FALSE(HasErrors(findings));

  ValidationOptions strict;
  strict.strict_vocabularies = true;
  auto strict_findings = Validate(object, strict);
  ASSERT_EQ(strict_findings.size(), 1u);
  EXPECT_EQ(strict_findings[0].severity, Severity::kError);
  EXPECT_EQ(strict_findings[0].property, "malware_types[1]");
}

TEST(StixValidate, ClosedEnumerationsAreErrorsEvenWhenLenient) {
  Object object = Parse(
      R"({"type":"opinion","spec_version":"2.1","id":"opinion--b01efc25-77b4-4003-b18b-f6e24b5cd9f7","created":"2016-05-12T08:17:27.000Z","modified":"2016-05-12T08:17:27.000Z","opinion":"somewhat-agree","object_refs":["relationship--16d2358f-3b0d-4c88-b047-0da2f7ed4471"]})");
  auto findings = Validate(object);
  ASSERT_EQ(findings.size(), 1u) << Describe(findings);
  EXPECT_EQ(findings[0].severity, Severity::kError);
  EXPECT_EQ(findings[0].property, "opinion");
}

TEST(StixValidate, CustomPropertiesWithoutPrefixWarn) {
  Object object = Parse(
      R"({"type":"campaign","spec_version":"2.1","id":"campaign--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:00.000Z","modified":"2016-04-06T20:03:00.000Z","name":"Green Group Attacks","x_acme_score":5,"acme_score":5})");
  auto findings = Validate(object);
  ASSERT_EQ(findings.size(), 1u) << Describe(findings);
  EXPECT_EQ(findings[0].severity, Severity::kWarning);
  EXPECT_EQ(findings[0].property, "acme_score");
}

TEST(StixValidate, ToplevelPropertyExtensionsNeedNoPrefix) {
  Object object = Parse(
      R"({"type":"campaign","spec_version":"2.1","id":"campaign--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:00.000Z","modified":"2016-04-06T20:03:00.000Z","name":"Green Group Attacks","toxicity":8,"extensions":{"extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e":{"extension_type":"toplevel-property-extension"}}})");
  auto findings = Validate(object);
  EXPECT_TRUE(findings.empty()) << Describe(findings);
}

TEST(StixValidate, ReportsEveryDefectNotJustTheFirst) {
  Object object = Parse(
      R"({"type":"indicator","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:00Z","modified":"2016-04-06T20:03:00.000Z","pattern_type":"stix","valid_from":"2016-01-01T00:00:00Z","confidence":-1})");
  auto errors = Errors(Validate(object));
  std::set<std::string> props;
  for (const auto& f : errors) props.insert(f.property);
  EXPECT_EQ(props, (std::set<std::string>{"spec_version", "created", "pattern", "confidence"}))
      << Describe(errors);
}

TEST(StixValidate, AllPublishedTlpMarkingsAreValid) {
  const std::pair<const char*, const char*> kTlp2[] = {
      {"94868c89-83c2-464b-929b-a1a8aa3c8487", "clear"},
      {"bab4a63c-aed9-4cf5-a766-dfca5abac2bb", "green"},
      {"55d920b0-5e8b-4f79-9ee9-91f868d9b421", "amber"},
      {"939a9414-2ddd-4d32-a0cd-375ea402b003", "amber+strict"},
      {"e828b379-4e03-4974-9ac4-e53a884c97c1", "red"}};
  for (const auto& [uuid, level] : kTlp2) {
    std::string text =
        std::string(
            R"({"type":"marking-definition","spec_version":"2.1","id":"marking-definition--)") +
        uuid +
        R"(","created":"2022-10-01T00:00:00.000Z","extensions":{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":{"extension_type":"property-extension","tlp_2_0":")" +
        level + R"("}}})";
    auto findings = Validate(Parse(text));
    EXPECT_TRUE(findings.empty()) << level << "\n" << Describe(findings);
  }
  const std::pair<const char*, const char*> kTlp1[] = {
      {"613f2e26-407d-48c7-9eca-b8e91df99dc9", "white"},
      {"34098fce-860f-48ae-8e50-ebd3cc5e41da", "green"},
      {"f88d31f6-486f-44da-b317-01333bde0b82", "amber"},
      {"5e57c739-391a-4eb3-b6be-7d15ca92d5ed", "red"}};
  for (const auto& [uuid, level] : kTlp1) {
    std::string text =
        std::string(
            R"({"type":"marking-definition","spec_version":"2.1","id":"marking-definition--)") +
        uuid +
        R"(","created":"2017-01-20T00:00:00.000Z","definition_type":"tlp","definition":{"tlp":")" +
        level + R"("}})";
    auto findings = Validate(Parse(text));
    EXPECT_TRUE(findings.empty()) << level << "\n" << Describe(findings);
  }
  // The TLP 2.0 RED id carrying the AMBER level is rejected at the id.
  auto wrong = Validate(Parse(
      R"({"type":"marking-definition","spec_version":"2.1","id":"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1","created":"2022-10-01T00:00:00.000Z","extensions":{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":{"extension_type":"property-extension","tlp_2_0":"amber"}}})"));
  ASSERT_TRUE(HasErrors(wrong));
  EXPECT_EQ(Errors(wrong)[0].property, "id");
}

TEST(StixValidate, ObjectWithoutIdIsReportedWithEmptyId) {
  Object object(boost::json::object{{"type", "indicator"}});
  auto findings = Validate(object);
  ASSERT_TRUE(HasErrors(findings));
  bool id_missing = false;
  for (const auto& f : findings) {
    EXPECT_EQ(f.object_id, "");
    id_missing |= f.property == "id";
  }
  EXPECT_TRUE(id_missing);
}

TEST(StixValidate, NestedBundleIsAnError) {
  Object object(boost::json::object{{"type", "bundle"},
                                    {"id", "bundle--0b7e5e8c-5d0b-4a62-9d3a-1f5bb8a9b001"}});
  EXPECT_TRUE(HasErrors(Validate(object)));
}

}  // namespace
}  // namespace ecrn::stix
