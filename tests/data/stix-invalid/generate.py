#!/usr/bin/env python3
"""Regenerates the invalid-object suite: one JSON file per defect and
expectations.tsv (file, object id, property path the validator must report
as an error). Each object is a valid base with exactly one defect."""
import copy
import json
import os
import random
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(2106)

IDENTITY = "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff"
MARKING = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"
EXT_DEF = "extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e"
TS = "2016-04-06T20:03:48.000Z"
TS2 = "2016-04-07T20:03:48.000Z"


def new_id(t):
    return f"{t}--{uuid.UUID(int=rng.getrandbits(128), version=4)}"


def sdo(t, **props):
    o = {"type": t, "spec_version": "2.1", "id": new_id(t), "created": TS, "modified": TS}
    o.update(props)
    return o


def sco(t, **props):
    o = {"type": t, "spec_version": "2.1", "id": new_id(t)}
    o.update(props)
    return o


BASES = {
    "indicator": lambda: sdo("indicator", name="x", indicator_types=["malicious-activity"],
                             pattern="[ipv4-addr:value = '198.51.100.1']", pattern_type="stix",
                             valid_from=TS, created_by_ref=IDENTITY),
    "malware": lambda: sdo("malware", name="Poison Ivy", is_family=True, malware_types=["remote-access-trojan"]),
    "relationship": lambda: sdo("relationship", relationship_type="uses",
                                source_ref=new_id("malware"), target_ref=new_id("attack-pattern")),
    "sighting": lambda: sdo("sighting", sighting_of_ref=new_id("indicator"), count=2,
                            where_sighted_refs=[IDENTITY], observed_data_refs=[new_id("observed-data")]),
    "observed-data": lambda: sdo("observed-data", first_observed=TS, last_observed=TS2,
                                 number_observed=5, object_refs=[new_id("ipv4-addr")]),
    "report": lambda: sdo("report", name="r", published=TS, object_refs=[new_id("indicator")]),
    "grouping": lambda: sdo("grouping", context="suspicious-activity", object_refs=[new_id("indicator")]),
    "opinion": lambda: sdo("opinion", opinion="agree", object_refs=[new_id("indicator")]),
    "note": lambda: sdo("note", content="c", object_refs=[new_id("indicator")]),
    "identity": lambda: sdo("identity", name="ACME", identity_class="organization"),
    "location": lambda: sdo("location", region="europe", latitude=47.0, longitude=28.8),
    "malware-analysis": lambda: sdo("malware-analysis", product="av", result="malicious"),
    "campaign": lambda: sdo("campaign", name="c", first_seen=TS, last_seen=TS2),
    "attack-pattern": lambda: sdo("attack-pattern", name="Spear phishing",
                                  kill_chain_phases=[{"kill_chain_name": "mitre-attack", "phase_name": "initial-access"}],
                                  external_references=[{"source_name": "capec", "external_id": "CAPEC-163"}]),
    "infrastructure": lambda: sdo("infrastructure", name="c2"),
    "threat-actor": lambda: sdo("threat-actor", name="ta"),
    "course-of-action": lambda: sdo("course-of-action", name="coa"),
    "vulnerability": lambda: sdo("vulnerability", name="CVE-2016-1234"),
    "intrusion-set": lambda: sdo("intrusion-set", name="is"),
    "incident": lambda: sdo("incident", name="inc"),
    "tool": lambda: sdo("tool", name="t"),
    "marking-definition": lambda: {"type": "marking-definition", "spec_version": "2.1",
                                   "id": new_id("marking-definition"), "created": TS,
                                   "definition_type": "statement",
                                   "definition": {"statement": "Copyright ACME"}},
    "language-content": lambda: sdo("language-content", object_ref=new_id("campaign"),
                                    object_modified=TS, contents={"de": {"name": "Bank Angriff"}}),
    "extension-definition": lambda: sdo("extension-definition", created_by_ref=IDENTITY, name="e",
                                        schema="https://example.com/schema.json", version="1.0",
                                        extension_types=["property-extension"]),
    "ipv4-addr": lambda: sco("ipv4-addr", value="198.51.100.3"),
    "ipv6-addr": lambda: sco("ipv6-addr", value="2001:db8::1"),
    "mac-addr": lambda: sco("mac-addr", value="d2:fb:49:24:37:18"),
    "file": lambda: sco("file", name="a.exe", hashes={"MD5": "d41d8cd98f00b204e9800998ecf8427e"}),
    "network-traffic": lambda: sco("network-traffic", src_ref=new_id("ipv4-addr"), dst_port=443,
                                   protocols=["ipv4", "tcp"]),
    "email-message": lambda: sco("email-message", is_multipart=False, subject="hi",
                                 from_ref=new_id("email-addr")),
    "email-addr": lambda: sco("email-addr", value="john@example.com"),
    "artifact": lambda: sco("artifact", payload_bin="aGVsbG8="),
    "autonomous-system": lambda: sco("autonomous-system", number=15139),
    "domain-name": lambda: sco("domain-name", value="example.com"),
    "url": lambda: sco("url", value="https://example.com/a"),
    "mutex": lambda: sco("mutex", name="m"),
    "process": lambda: sco("process", pid=1),
    "software": lambda: sco("software", name="Word"),
    "user-account": lambda: sco("user-account", user_id="1001"),
    "windows-registry-key": lambda: sco("windows-registry-key", key="HKEY_LOCAL_MACHINE\\System"),
    "x509-certificate": lambda: sco("x509-certificate", serial_number="36:f7:d4"),
    "directory": lambda: sco("directory", path="C:\\Windows"),
}

CASES = []


def case(name, base, prop, mutate):
    CASES.append((name, base, prop, mutate))


def setk(k, v):
    return lambda o: o.__setitem__(k, v)


def delk(k):
    return lambda o: o.pop(k)


def gm(g):
    def f(o):
        o["granular_markings"] = [g]
    return f


# Common properties.
case("type-too-short", "indicator", "type", lambda o: o.update(type="ab"))
case("id-type-mismatch", "indicator", "id", lambda o: o.update(id=new_id("malware")))
case("id-not-uuid", "indicator", "id", setk("id", "indicator--1234"))
case("id-uuid-version-0", "indicator", "id",
     setk("id", "indicator--e2e1a340-4415-0ba8-9671-f7343fbf0836"))
case("spec-version-missing", "indicator", "spec_version", delk("spec_version"))
case("spec-version-2.0", "indicator", "spec_version", setk("spec_version", "2.0"))
case("created-missing", "malware", "created", delk("created"))
case("created-no-z", "malware", "created", setk("created", "2016-04-06T20:03:48.000"))
case("created-second-precision", "malware", "created", setk("created", "2016-04-06T20:03:48Z"))
case("modified-before-created", "malware", "modified", setk("modified", "2015-04-06T20:03:48.000Z"))
case("modified-month-13", "malware", "modified", setk("modified", "2016-13-06T20:03:48.000Z"))
case("created-by-ref-not-identity", "malware", "created_by_ref", setk("created_by_ref", new_id("malware")))
case("confidence-101", "malware", "confidence", setk("confidence", 101))
case("confidence-string", "malware", "confidence", setk("confidence", "50"))
case("labels-empty", "malware", "labels", setk("labels", []))
case("labels-not-strings", "malware", "labels[0]", setk("labels", [1]))
case("revoked-not-bool", "malware", "revoked", setk("revoked", "yes"))
case("lang-invalid", "malware", "lang", setk("lang", "en_US"))
case("extref-no-source-name", "malware", "external_references[0].source_name",
     setk("external_references", [{"url": "https://example.com"}]))
case("extref-only-source-name", "malware", "external_references[0].source_name",
     setk("external_references", [{"source_name": "acme"}]))
case("extref-bad-cve", "vulnerability", "external_references[0].external_id",
     setk("external_references", [{"source_name": "cve", "external_id": "CVE-16-1"}]))
case("extref-bad-capec", "attack-pattern", "external_references[0].external_id",
     setk("external_references", [{"source_name": "capec", "external_id": "163"}]))
case("extref-bad-md5", "malware", "external_references[0].hashes.MD5",
     setk("external_references", [{"source_name": "acme", "url": "https://example.com/x",
                                   "hashes": {"MD5": "abc"}}]))
case("kill-chain-no-phase-name", "attack-pattern", "kill_chain_phases[0].phase_name",
     setk("kill_chain_phases", [{"kill_chain_name": "mitre-attack"}]))
case("kill-chain-not-list", "attack-pattern", "kill_chain_phases",
     setk("kill_chain_phases", {"kill_chain_name": "x", "phase_name": "y"}))
case("tool-kill-chain-phase-name-int", "tool", "kill_chain_phases[1].phase_name",
     setk("kill_chain_phases", [{"kill_chain_name": "a", "phase_name": "b"},
                                {"kill_chain_name": "a", "phase_name": 7}]))
case("object-marking-ref-wrong-type", "malware", "object_marking_refs[0]",
     setk("object_marking_refs", [IDENTITY]))
case("object-marking-refs-empty", "malware", "object_marking_refs", setk("object_marking_refs", []))
case("granular-selector-missing-property", "malware", "granular_markings[0].selectors[0]",
     gm({"selectors": ["description"], "marking_ref": MARKING}))
case("granular-both-lang-and-ref", "malware", "granular_markings[0].marking_ref",
     gm({"selectors": ["name"], "marking_ref": MARKING, "lang": "en"}))
case("granular-ref-wrong-type", "malware", "granular_markings[0].marking_ref",
     gm({"selectors": ["name"], "marking_ref": IDENTITY}))
case("granular-no-selectors", "malware", "granular_markings[0].selectors", gm({"marking_ref": MARKING}))
case("granular-selector-bad-index", "malware", "granular_markings[0].selectors[0]",
     gm({"selectors": ["malware_types.[3]"], "marking_ref": MARKING}))
case("custom-property-uppercase", "malware", "X_Foo", setk("X_Foo", "a"))
case("custom-property-too-short", "malware", "xy", setk("xy", "a"))
case("custom-property-empty-list", "malware", "x_list", setk("x_list", []))
case("custom-property-null", "malware", "x_thing", setk("x_thing", None))
case("custom-hex-not-hex", "malware", "x_magic_hex", setk("x_magic_hex", "zz"))
case("reserved-property-severity", "malware", "severity", setk("severity", "high"))
case("known-property-null", "malware", "description", setk("description", None))
case("extensions-bad-key", "malware", "extensions.foo", setk("extensions", {"foo": {"a": 1}}))
case("extensions-empty", "malware", "extensions", setk("extensions", {}))
case("extension-missing-type", "malware", f"extensions.{EXT_DEF}.extension_type",
     setk("extensions", {EXT_DEF: {"rank": 5}}))
case("extension-bad-type", "malware", f"extensions.{EXT_DEF}.extension_type",
     setk("extensions", {EXT_DEF: {"extension_type": "new-thing"}}))
# SDOs.
case("indicator-no-pattern", "indicator", "pattern", delk("pattern"))
case("indicator-pattern-type-number", "indicator", "pattern_type", setk("pattern_type", 5))
case("indicator-valid-until-before-from", "indicator", "valid_until",
     setk("valid_until", "2016-01-01T00:00:00Z"))
case("indicator-no-valid-from", "indicator", "valid_from", delk("valid_from"))
case("indicator-types-not-list", "indicator", "indicator_types", setk("indicator_types", "benign"))
case("malware-no-is-family", "malware", "is_family", delk("is_family"))
case("malware-family-without-name", "malware", "name", delk("name"))
case("malware-sample-ref-wrong-type", "malware", "sample_refs[0]",
     setk("sample_refs", [new_id("ipv4-addr")]))
case("relationship-no-source", "relationship", "source_ref", delk("source_ref"))
case("relationship-target-is-sro", "relationship", "target_ref", setk("target_ref", new_id("relationship")))
case("relationship-type-uppercase", "relationship", "relationship_type", setk("relationship_type", "Uses"))
case("relationship-stop-not-after-start", "relationship", "stop_time",
     lambda o: o.update(start_time=TS, stop_time=TS))
case("sighting-of-sco", "sighting", "sighting_of_ref", setk("sighting_of_ref", new_id("ipv4-addr")))
case("sighting-where-malware", "sighting", "where_sighted_refs[0]",
     setk("where_sighted_refs", [new_id("malware")]))
case("sighting-negative-count", "sighting", "count", setk("count", -1))
case("sighting-observed-data-wrong", "sighting", "observed_data_refs[0]",
     setk("observed_data_refs", [new_id("indicator")]))
case("sighting-last-before-first", "sighting", "last_seen",
     lambda o: o.update(first_seen=TS2, last_seen=TS))
case("observed-number-zero", "observed-data", "number_observed", setk("number_observed", 0))
case("observed-number-too-big", "observed-data", "number_observed", setk("number_observed", 1000000000))
case("observed-objects-and-refs", "observed-data", "objects",
     setk("objects", {"0": {"type": "ipv4-addr", "value": "198.51.100.3"}}))
case("observed-neither-objects-nor-refs", "observed-data", "object_refs", delk("object_refs"))
case("observed-last-before-first", "observed-data", "last_observed",
     setk("last_observed", "2015-01-01T00:00:00Z"))
case("observed-refs-sdo", "observed-data", "object_refs[0]", setk("object_refs", [new_id("indicator")]))
case("report-no-published", "report", "published", delk("published"))
case("report-empty-object-refs", "report", "object_refs", setk("object_refs", []))
case("grouping-no-context", "grouping", "context", delk("context"))
case("grouping-object-refs-not-ids", "grouping", "object_refs[0]", setk("object_refs", ["nope"]))
case("opinion-bad-enum", "opinion", "opinion", setk("opinion", "maybe"))
case("note-no-content", "note", "content", delk("content"))
case("identity-no-name", "identity", "name", delk("name"))
case("identity-sectors-empty", "identity", "sectors", setk("sectors", []))
case("location-latitude-range", "location", "latitude", setk("latitude", 91.5))
case("location-nothing", "location", "region", lambda o: [o.pop(k) for k in ("region", "latitude", "longitude")])
case("location-latitude-alone", "location", "longitude", lambda o: [o.pop(k) for k in ("longitude",)])
case("malware-analysis-no-result", "malware-analysis", "result", delk("result"))
case("malware-analysis-no-product", "malware-analysis", "product", delk("product"))
case("campaign-last-before-first", "campaign", "last_seen", setk("last_seen", "2015-01-01T00:00:00Z"))
case("attack-pattern-aliases-string", "attack-pattern", "aliases", setk("aliases", "spear"))
case("infrastructure-bad-first-seen", "infrastructure", "first_seen", setk("first_seen", "yesterday"))
case("threat-actor-no-name", "threat-actor", "name", delk("name"))
case("course-of-action-no-name", "course-of-action", "name", delk("name"))
case("vulnerability-name-not-string", "vulnerability", "name", setk("name", ["CVE"]))
case("intrusion-set-goals-empty", "intrusion-set", "goals", setk("goals", []))
case("incident-no-name", "incident", "name", delk("name"))
# Marking definitions, language content, extension definitions.
case("marking-statement-missing", "marking-definition", "definition.statement",
     setk("definition", {"text": "x"}))
case("marking-no-definition-type", "marking-definition", "definition_type", delk("definition_type"))
case("marking-tlp1-wrong-id", "marking-definition", "id",
     lambda o: o.update(definition_type="tlp", definition={"tlp": "green"}))
case("marking-tlp2-wrong-id", "marking-definition", "id",
     lambda o: (o.pop("definition_type"), o.pop("definition"),
                o.update(name="TLP:AMBER", extensions={
                    "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":
                        {"extension_type": "property-extension", "tlp_2_0": "amber"}})))
case("marking-tlp-id-with-statement", "marking-definition", "id",
     setk("id", "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"))
case("marking-tlp-level-purple", "marking-definition", "definition.tlp",
     lambda o: o.update(definition_type="tlp", definition={"tlp": "purple"}))
case("marking-has-modified", "marking-definition", "modified", setk("modified", TS))
case("marking-no-created", "marking-definition", "created", delk("created"))
case("language-content-ref-bundle", "language-content", "object_ref", setk("object_ref", new_id("bundle")))
case("language-content-bad-lang-key", "language-content", "contents.en_US",
     setk("contents", {"en_US": {"name": "x"}}))
case("language-content-no-contents", "language-content", "contents", delk("contents"))
case("extension-definition-no-creator", "extension-definition", "created_by_ref", delk("created_by_ref"))
case("extension-definition-bad-type", "extension-definition", "extension_types[0]",
     setk("extension_types", ["new-widget"]))
case("extension-definition-props-not-toplevel", "extension-definition", "extension_properties",
     setk("extension_properties", ["rank"]))
case("extension-definition-no-schema", "extension-definition", "schema", delk("schema"))
# SCOs.
case("ipv4-octet-256", "ipv4-addr", "value", setk("value", "256.1.1.1"))
case("ipv4-cidr-33", "ipv4-addr", "value", setk("value", "198.51.100.0/33"))
case("ipv4-resolves-to-domain", "ipv4-addr", "resolves_to_refs[0]",
     setk("resolves_to_refs", [new_id("domain-name")]))
case("ipv6-invalid", "ipv6-addr", "value", setk("value", "2001:db8:::1"))
case("mac-uppercase", "mac-addr", "value", setk("value", "D2:FB:49:24:37:18"))
case("file-no-hashes-or-name", "file", "hashes", lambda o: [o.pop("name"), o.pop("hashes")])
case("file-md5-wrong-length", "file", "hashes.MD5", setk("hashes", {"MD5": "d41d8cd98f00b204"}))
case("file-sha256-not-hex", "file", "hashes.SHA-256", setk("hashes", {"SHA-256": "z" * 64}))
case("file-sha512-short", "file", "hashes.SHA-512", setk("hashes", {"SHA-512": "ab" * 32}))
case("file-size-negative", "file", "size", setk("size", -5))
case("file-parent-not-directory", "file", "parent_directory_ref",
     setk("parent_directory_ref", new_id("file")))
case("file-archive-ext-no-contains", "file", "extensions.archive-ext.contains_refs",
     setk("extensions", {"archive-ext": {"comment": "zip"}}))
case("file-socket-ext", "file", "extensions.socket-ext",
     setk("extensions", {"socket-ext": {"address_family": "AF_INET"}}))
case("file-pebinary-no-pe-type", "file", "extensions.windows-pebinary-ext.pe_type",
     setk("extensions", {"windows-pebinary-ext": {"imphash": "abc"}}))
case("network-traffic-no-protocols", "network-traffic", "protocols", delk("protocols"))
case("network-traffic-no-endpoints", "network-traffic", "src_ref", delk("src_ref"))
case("network-traffic-port-range", "network-traffic", "dst_port", setk("dst_port", 70000))
case("network-traffic-active-with-end", "network-traffic", "end",
     lambda o: o.update(is_active=True, end=TS))
case("network-traffic-socket-family", "network-traffic", "extensions.socket-ext.address_family",
     setk("extensions", {"socket-ext": {"address_family": "AF_MAGIC"}}))
case("network-traffic-src-ref-file", "network-traffic", "src_ref", setk("src_ref", new_id("file")))
case("email-multipart-with-body", "email-message", "body",
     lambda o: o.update(is_multipart=True, body="hello"))
case("email-no-is-multipart", "email-message", "is_multipart", delk("is_multipart"))
case("email-from-ref-ip", "email-message", "from_ref", setk("from_ref", new_id("ipv4-addr")))
case("email-mime-part-both", "email-message", "body_multipart[0].body",
     lambda o: o.update(is_multipart=True, body_multipart=[{"body": "a", "body_raw_ref": new_id("artifact")}]))
case("email-addr-invalid", "email-addr", "value", setk("value", "not an address"))
case("artifact-payload-and-url", "artifact", "url", setk("url", "https://example.com/a.bin"))
case("artifact-url-without-hashes", "artifact", "hashes",
     lambda o: (o.pop("payload_bin"), o.update(url="https://example.com/a.bin")))
case("artifact-payload-not-base64", "artifact", "payload_bin", setk("payload_bin", "not base64!"))
case("artifact-bad-encryption", "artifact", "encryption_algorithm", setk("encryption_algorithm", "ROT13"))
case("as-number-string", "autonomous-system", "number", setk("number", "15139"))
case("domain-no-value", "domain-name", "value", delk("value"))
case("url-invalid", "url", "value", setk("value", "not a url"))
case("mutex-no-name", "mutex", "name", delk("name"))
case("process-empty", "process", "type", delk("pid"))
case("software-no-name", "software", "name", delk("name"))
case("user-account-bool-string", "user-account", "is_privileged", setk("is_privileged", "true"))
case("registry-key-abbreviated", "windows-registry-key", "key", setk("key", "HKLM\\Software"))
case("registry-value-bad-type", "windows-registry-key", "values[0].data_type",
     setk("values", [{"name": "a", "data": "b", "data_type": "REG_STRING"}]))
case("x509-exponent-string", "x509-certificate", "subject_public_key_exponent",
     setk("subject_public_key_exponent", "65537"))
case("sco-spec-version-2.0", "ipv4-addr", "spec_version", setk("spec_version", "2.0"))
case("sco-defanged-string", "domain-name", "defanged", setk("defanged", "yes"))
case("directory-contains-process", "directory", "contains_refs[0]",
     setk("contains_refs", [new_id("process")]))


def main():
    for f in os.listdir(HERE):
        if f.endswith(".json"):
            os.remove(os.path.join(HERE, f))
    rows = []
    names = set()
    for i, (name, base, prop, mutate) in enumerate(CASES, 1):
        assert name not in names, name
        names.add(name)
        obj = BASES[base]()
        mutate(obj)
        fname = f"{i:03d}-{name}.json"
        with open(os.path.join(HERE, fname), "w") as fh:
            json.dump(obj, fh, indent=2)
            fh.write("\n")
        rows.append(f"{fname}\t{obj['id']}\t{prop}")
    with open(os.path.join(HERE, "expectations.tsv"), "w") as fh:
        fh.write("# file\tobject id\tproperty the validator must report as an error\n")
        fh.write("\n".join(rows) + "\n")
    print(len(CASES), "cases")


if __name__ == "__main__":
    main()
