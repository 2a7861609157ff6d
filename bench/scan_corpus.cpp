// Generates, deterministically, the data `bench/scan` runs on (issue 4):
//   corpus.log          mixed log lines of about --bytes bytes: BIND and
//                       dnsmasq DNS queries, combined web-server lines, Squid
//                       proxy lines, iptables firewall lines (IPv4 and IPv6)
//                       and endpoint events as JSON lines with file hashes;
//   indicators-N.json   STIX 2.1 bundles of N indicators for each --sets
//                       size (domains, IPv4, IPv6, CIDRs of both families,
//                       URLs and SHA-256 hashes in rotation); the sets are
//                       nested (the first N of one sequence), so every value
//                       planted in the corpus is in every set;
//   indicators-N.txt    the same values, one per line, for `rg -F -f` and
//                       `grep -F -f` (a CIDR is written as the network text,
//                       which such tools can only match literally);
//   manifest.txt        what was generated, with the generator's version, so
//                       scripts/bench-scan regenerates only when it changes.
// One line in --plant-every carries a value of the smallest set (a real
// match); some others carry near misses (a longer domain ending in a planted
// one, a longer number) that exact matching must not report.
#include <algorithm>
#include <array>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

namespace {

constexpr std::string_view kVersion = "scan-corpus 1";

// splitmix64: small, fast and the same on every platform.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  uint64_t Below(uint64_t n) { return Next() % n; }
  template <size_t N>
  std::string_view Pick(const std::array<std::string_view, N>& list) {
    return list[Below(N)];
  }

 private:
  uint64_t state_;
};

// A buffered writer that fails loudly.
class Out {
 public:
  explicit Out(const std::filesystem::path& path) : path_(path) {
    file_ = std::fopen(path.c_str(), "wb");
    if (file_ == nullptr) Fail("cannot create");
    buffer_.reserve(kFlushAt + 4096);
  }
  ~Out() { Close(); }
  Out(const Out&) = delete;
  Out& operator=(const Out&) = delete;

  void Put(std::string_view text) {
    buffer_.append(text);
    if (buffer_.size() >= kFlushAt) Flush();
  }
  void Put(char c) { buffer_.push_back(c); }
  void PutNumber(uint64_t value) {
    char digits[24];
    const int n = std::snprintf(digits, sizeof digits, "%" PRIu64, value);
    buffer_.append(digits, static_cast<size_t>(n));
  }
  uint64_t written() const { return written_ + buffer_.size(); }
  void Close() {
    if (file_ == nullptr) return;
    Flush();
    if (std::fclose(file_) != 0) Fail("cannot write");
    file_ = nullptr;
  }

 private:
  static constexpr size_t kFlushAt = 1 << 20;
  [[noreturn]] void Fail(const char* what) {
    std::fprintf(stderr, "ecrn_bench_scan_corpus: %s %s: %s\n", what, path_.c_str(),
                 std::strerror(errno));
    std::exit(1);
  }
  void Flush() {
    if (!buffer_.empty() && std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size())
      Fail("cannot write");
    written_ += buffer_.size();
    buffer_.clear();
  }
  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
  std::string buffer_;
  uint64_t written_ = 0;
};

constexpr std::array<std::string_view, 24> kWords = {
    "vote",    "ballot",   "poll",   "count",   "secure", "verify",   "update",  "official",
    "result",  "register", "portal", "civic",   "elect",  "citizen",  "support", "login",
    "account", "news",     "live",   "station", "voter",  "district", "county",  "tally"};
constexpr std::array<std::string_view, 10> kTlds = {"com", "net",    "org",  "info", "xyz",
                                                    "top", "online", "site", "live", "co"};
constexpr std::array<std::string_view, 8> kBenignDomains = {
    "www.example.org",  "cdn.example.net",     "api.example.com",  "static.example.org",
    "mail.example.net", "updates.example.com", "time.example.org", "login.example.com"};
constexpr std::array<std::string_view, 10> kPaths = {
    "/",      "/results",         "/results/region-4",       "/api/v1/turnout", "/static/app.js",
    "/login", "/images/logo.png", "/news/2026/11/statement", "/candidates",     "/favicon.ico"};
constexpr std::array<std::string_view, 5> kAgents = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "curl/8.5.0", "python-requests/2.32.3"};
constexpr std::array<std::string_view, 6> kImages = {
    "C:\\\\Windows\\\\System32\\\\svchost.exe",
    "C:\\\\Program Files\\\\Office\\\\winword.exe",
    "C:\\\\Users\\\\clerk\\\\Downloads\\\\invoice.pdf.exe",
    "/usr/bin/python3",
    "C:\\\\Windows\\\\System32\\\\WindowsPowerShell\\\\v1.0\\\\powershell.exe",
    "/usr/sbin/sshd"};

std::string Base36(uint64_t v) {
  std::string out;
  do {
    out += "0123456789abcdefghijklmnopqrstuvwxyz"[v % 36];
    v /= 36;
  } while (v != 0);
  return out;
}

void AppendHex(std::string& out, Rng& rng, int digits) {
  static constexpr char kDigits[] = "0123456789abcdef";
  uint64_t bits = 0;
  for (int i = 0; i < digits; ++i) {
    if (i % 16 == 0) bits = rng.Next();
    out += kDigits[bits & 0xf];
    bits >>= 4;
  }
}

std::string Ipv4(uint32_t a) {
  char text[16];
  std::snprintf(text, sizeof text, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff,
                a & 0xff);
  return text;
}

// A public-looking IPv4 address (first octet 23..222, never 127 or 10).
uint32_t RandomIpv4(Rng& rng) {
  uint32_t first = 23 + static_cast<uint32_t>(rng.Below(200));
  if (first == 127 || first == 100) first = 128;
  return (first << 24) | static_cast<uint32_t>(rng.Next() & 0xffffff);
}

std::string Ipv6(Rng& rng, bool network48) {
  char text[48];
  const uint64_t a = rng.Next();
  const uint64_t b = rng.Next();
  if (network48) {
    std::snprintf(text, sizeof text, "2a0%x:%x:%x::/48", static_cast<unsigned>(a & 0xf),
                  static_cast<unsigned>((a >> 8) & 0xffff),
                  static_cast<unsigned>((a >> 24) & 0xffff));
  } else {
    std::snprintf(text, sizeof text, "2a0%x:%x:%x:%x::%x:%x", static_cast<unsigned>(a & 0xf),
                  static_cast<unsigned>((a >> 8) & 0xffff),
                  static_cast<unsigned>((a >> 24) & 0xffff),
                  static_cast<unsigned>((a >> 40) & 0xffff), static_cast<unsigned>(b & 0xffff),
                  static_cast<unsigned>((b >> 16) & 0xffff));
  }
  return text;
}

enum class Kind { kDomain, kIpv4, kUrl, kIpv6, kSha256, kCidr4, kCidr6 };
constexpr std::array<Kind, 10> kRotation = {Kind::kDomain, Kind::kIpv4, Kind::kUrl,  Kind::kDomain,
                                            Kind::kSha256, Kind::kIpv6, Kind::kIpv4, Kind::kUrl,
                                            Kind::kCidr4,  Kind::kCidr6};

struct Indicator {
  Kind kind;
  std::string value;  // as the pattern names it
};

// Indicator j of the one sequence every set is a prefix of. Values are unique
// per j (the base-36 of j is in every domain and URL; addresses are drawn
// from a generator seeded by j and repeat only by chance).
Indicator MakeIndicator(uint64_t seed, uint64_t j) {
  Rng rng(seed ^ (j * 0x9e3779b97f4a7c15ULL) ^ 0x51ed270b27d1c0deULL);
  const Kind kind = kRotation[j % kRotation.size()];
  std::string domain = std::string(rng.Pick(kWords)) + "-" + std::string(rng.Pick(kWords)) + "-" +
                       Base36(j) + "." + std::string(rng.Pick(kTlds));
  switch (kind) {
    case Kind::kDomain:
      return {kind, domain};
    case Kind::kIpv4:
      return {kind, Ipv4(RandomIpv4(rng))};
    case Kind::kUrl:
      return {kind, "http://" + domain + std::string(rng.Pick(kPaths)) + "?id=" + Base36(j * 7)};
    case Kind::kIpv6:
      return {kind, Ipv6(rng, false)};
    case Kind::kSha256: {
      std::string hash;
      AppendHex(hash, rng, 64);
      return {kind, hash};
    }
    case Kind::kCidr4:
      return {kind, Ipv4(RandomIpv4(rng) & 0xffffff00u) + "/24"};
    case Kind::kCidr6:
      return {kind, Ipv6(rng, true)};
  }
  return {kind, domain};
}

// A value inside the indicator's range that a log line can carry.
std::string Planted(const Indicator& ind, Rng& rng) {
  switch (ind.kind) {
    case Kind::kCidr4:
      return ind.value.substr(0, ind.value.rfind('.') + 1) + std::to_string(1 + rng.Below(254));
    case Kind::kCidr6: {
      const std::string net = ind.value.substr(0, ind.value.find("::") + 2);
      char host[16];
      std::snprintf(host, sizeof host, "%x", static_cast<unsigned>(1 + rng.Below(0xfffe)));
      return net + host;
    }
    default:
      return ind.value;
  }
}

std::string PatternOf(const Indicator& ind) {
  switch (ind.kind) {
    case Kind::kDomain:
      return "[domain-name:value = '" + ind.value + "']";
    case Kind::kIpv4:
    case Kind::kCidr4:
      return "[ipv4-addr:value = '" + ind.value + "']";
    case Kind::kIpv6:
    case Kind::kCidr6:
      return "[ipv6-addr:value = '" + ind.value + "']";
    case Kind::kUrl:
      return "[url:value = '" + ind.value + "']";
    case Kind::kSha256:
      return "[file:hashes.'SHA-256' = '" + ind.value + "']";
  }
  return {};
}

std::string Uuid(Rng& rng) {
  std::string h;
  AppendHex(h, rng, 32);
  h[12] = '4';
  h[16] = "89ab"[h[16] % 4];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

void WriteSet(const std::filesystem::path& dir, uint64_t seed, uint64_t count) {
  const std::string stem = "indicators-" + std::to_string(count);
  Out json(dir / (stem + ".json"));
  Out text(dir / (stem + ".txt"));
  Rng ids(seed ^ 0x1d1d1d1dULL);
  json.Put("{\"type\":\"bundle\",\"id\":\"bundle--" + Uuid(ids) + "\",\"objects\":[\n");
  for (uint64_t j = 0; j < count; ++j) {
    const Indicator ind = MakeIndicator(seed, j);
    if (j != 0) json.Put(",\n");
    json.Put("{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--");
    json.Put(Uuid(ids));
    json.Put(
        "\",\"created\":\"2026-11-01T00:00:00.000Z\",\"modified\":\"2026-11-01T00:00:00.000Z\","
        "\"name\":\"bench indicator ");
    json.PutNumber(j);
    json.Put("\",\"indicator_types\":[\"malicious-activity\"],\"pattern\":\"");
    json.Put(PatternOf(ind));
    json.Put(
        "\",\"pattern_type\":\"stix\",\"valid_from\":\"2026-11-01T00:00:00Z\","
        "\"object_marking_refs\":[\"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82\"]}");
    text.Put(ind.value);
    text.Put('\n');
  }
  json.Put("\n]}\n");
}

// One log line; `value` (may be empty) is carried where a line of this kind
// would carry a value of its indicator kind.
class LineWriter {
 public:
  explicit LineWriter(uint64_t seed) : rng_(seed) {}

  void Write(Out& out, uint64_t n, const Indicator* plant, std::string_view near_miss) {
    std::string planted = plant != nullptr ? Planted(*plant, rng_) : std::string(near_miss);
    const Kind kind = plant != nullptr ? plant->kind : Kind::kDomain;
    // The line type: planted values go where their kind belongs.
    uint64_t type = rng_.Below(100);
    if (plant != nullptr) {
      switch (kind) {
        case Kind::kSha256:
          type = 95;
          break;
        case Kind::kUrl:
          type = rng_.Below(2) == 0 ? 40 : 55;
          break;
        case Kind::kIpv6:
        case Kind::kCidr6:
          type = 90;
          break;
        case Kind::kIpv4:
        case Kind::kCidr4:
          type = rng_.Below(2) == 0 ? 30 : 75;
          break;
        case Kind::kDomain:
          type = rng_.Below(2) == 0 ? 5 : 25;
          break;
      }
    }
    const uint64_t second = n / 4000;  // about 4,000 lines per second of log time
    line_.clear();
    if (type < 20) {
      Bind(second, planted);
    } else if (type < 28) {
      Dnsmasq(second, planted);
    } else if (type < 50) {
      Web(second, kind, planted);
    } else if (type < 70) {
      Proxy(second, kind, planted);
    } else if (type < 88) {
      Firewall(second, planted, false);
    } else if (type < 92) {
      Firewall(second, planted, true);
    } else {
      Endpoint(second, planted);
    }
    line_ += '\n';
    out.Put(line_);
  }

 private:
  std::string Domain() {
    if (rng_.Below(3) == 0) return std::string(rng_.Pick(kBenignDomains));
    return std::string(rng_.Pick(kWords)) + std::to_string(rng_.Below(500)) + "." +
           std::string(rng_.Pick(kTlds));
  }
  std::string Internal() {
    return "10." + std::to_string(rng_.Below(8)) + "." + std::to_string(rng_.Below(256)) + "." +
           std::to_string(1 + rng_.Below(254));
  }
  void Clock(uint64_t second, const char* format) {
    // 2026-11-21 08:00:00 UTC plus `second`.
    const uint64_t s = 8 * 3600 + second % (16 * 3600);
    char text[64];
    std::snprintf(text, sizeof text, format, static_cast<unsigned>(s / 3600),
                  static_cast<unsigned>(s / 60 % 60), static_cast<unsigned>(s % 60),
                  static_cast<unsigned>(rng_.Below(1000)));
    line_ += text;
  }
  void Bind(uint64_t second, const std::string& planted) {
    const std::string name = planted.empty() ? Domain() : planted;
    Clock(second, "21-Nov-2026 %02u:%02u:%02u.%03u queries: info: client @0x7f3a");
    line_ += std::to_string(100000 + rng_.Below(900000)) + " " + Internal() + "#" +
             std::to_string(1024 + rng_.Below(60000)) + " (" + name + "): query: " + name +
             (rng_.Below(4) == 0 ? " IN AAAA +E(0)K (10.0.0.53)" : " IN A +E(0)K (10.0.0.53)");
  }
  void Dnsmasq(uint64_t second, const std::string& planted) {
    const std::string name = planted.empty() ? Domain() : planted;
    Clock(second, "Nov 21 %02u:%02u:%02u dnsmasq[812]: query[A] ");
    line_ += name + " from " + Internal();
  }
  void Web(uint64_t second, Kind kind, const std::string& planted) {
    const std::string client = (!planted.empty() && kind != Kind::kUrl && kind != Kind::kDomain)
                                   ? planted
                                   : Ipv4(RandomIpv4(rng_));
    line_ += client + " - - [21/Nov/2026:";
    Clock(second, "%02u:%02u:%02u +0000] \"GET ");
    line_ += std::string(rng_.Pick(kPaths)) + " HTTP/1.1\" " +
             (rng_.Below(10) == 0 ? "404 " : "200 ") + std::to_string(200 + rng_.Below(90000)) +
             " \"";
    if (!planted.empty() && kind == Kind::kUrl) {
      line_ += planted;
    } else if (!planted.empty() && kind == Kind::kDomain) {
      line_ += "https://" + planted + "/";
    } else {
      line_ += "https://" + Domain() + "/";
    }
    line_ += "\" \"" + std::string(rng_.Pick(kAgents)) + "\"";
  }
  void Proxy(uint64_t second, Kind kind, const std::string& planted) {
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "%" PRIu64 ".%03u",
                  static_cast<uint64_t>(1795248000 + second),
                  static_cast<unsigned>(rng_.Below(1000)));
    line_ += stamp;
    line_ += " " + std::to_string(5 + rng_.Below(3000)) + " " + Internal() + " TCP_MISS/200 " +
             std::to_string(300 + rng_.Below(200000)) + " GET ";
    if (!planted.empty() && kind == Kind::kUrl) {
      line_ += planted;
    } else {
      line_ += "http://" + (planted.empty() ? Domain() : planted) + std::string(rng_.Pick(kPaths));
    }
    line_ += " - HIER_DIRECT/" +
             ((!planted.empty() && (kind == Kind::kIpv4 || kind == Kind::kCidr4))
                  ? planted
                  : Ipv4(RandomIpv4(rng_))) +
             " text/html";
  }
  void Firewall(uint64_t second, const std::string& planted, bool v6) {
    Clock(second, "Nov 21 %02u:%02u:%02u fw01 kernel: [");
    line_ += std::to_string(10000 + second) + "." + std::to_string(100000 + rng_.Below(900000)) +
             "] " + (rng_.Below(3) == 0 ? "ACCEPT" : "DROP") +
             " IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=";
    if (v6) {
      line_ += planted.empty() ? Ipv6(rng_, false) : planted;
      line_ += " DST=2001:db8::" + std::to_string(1 + rng_.Below(99));
    } else {
      line_ += planted.empty() ? Ipv4(RandomIpv4(rng_)) : planted;
      line_ += " DST=" + Internal();
    }
    line_ += " LEN=60 TOS=0x00 PREC=0x00 TTL=" + std::to_string(40 + rng_.Below(24)) +
             " ID=" + std::to_string(rng_.Below(65536)) +
             " DF PROTO=TCP SPT=" + std::to_string(1024 + rng_.Below(60000)) +
             " DPT=" + (rng_.Below(2) == 0 ? "443" : "22") + " WINDOW=64240 RES=0x00 SYN URGP=0";
  }
  void Endpoint(uint64_t second, const std::string& planted) {
    line_ += "{\"ts\":\"2026-11-21T";
    Clock(second, "%02u:%02u:%02u.%03uZ\",\"host\":\"ws-");
    line_ += std::to_string(rng_.Below(300)) + "\",\"event\":\"process_create\",\"image\":\"" +
             std::string(rng_.Pick(kImages)) + "\",\"sha256\":\"";
    if (planted.empty()) {
      AppendHex(line_, rng_, 64);
    } else {
      line_ += planted;
    }
    line_ += "\",\"user\":\"ELEC\\\\clerk" + std::to_string(rng_.Below(90)) +
             "\",\"pid\":" + std::to_string(100 + rng_.Below(60000)) + "}";
  }

  Rng rng_;
  std::string line_;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Generates the bench/scan corpus and indicator sets (deterministic).",
               "ecrn_bench_scan_corpus"};
  std::string dir;
  uint64_t bytes = 1'073'741'824;
  std::vector<uint64_t> sets = {10'000, 100'000, 1'000'000};
  uint64_t seed = 4;
  uint64_t plant_every = 2000;
  app.add_option("--out", dir, "output directory")->required();
  app.add_option("--bytes", bytes, "corpus size (at least; whole lines)")->capture_default_str();
  app.add_option("--sets", sets, "indicator set sizes")->capture_default_str();
  app.add_option("--seed", seed, "generator seed")->capture_default_str();
  app.add_option("--plant-every", plant_every, "one line in this many carries an indicator")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  std::sort(sets.begin(), sets.end());
  if (sets.empty() || sets.front() == 0) {
    std::fprintf(stderr, "ecrn_bench_scan_corpus: --sets needs sizes above 0\n");
    return 2;
  }

  const std::filesystem::path out_dir(dir);
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) {
    std::fprintf(stderr, "ecrn_bench_scan_corpus: cannot create %s: %s\n", dir.c_str(),
                 ec.message().c_str());
    return 1;
  }
  for (uint64_t count : sets) WriteSet(out_dir, seed, count);

  // The corpus. Planted values come from the smallest set.
  const uint64_t smallest = sets.front();
  Out corpus(out_dir / "corpus.log");
  LineWriter lines(seed ^ 0xc0ffee);
  Rng choose(seed ^ 0xabcdef);
  uint64_t n = 0;
  uint64_t planted = 0;
  uint64_t near_misses = 0;
  while (corpus.written() < bytes) {
    const uint64_t roll = choose.Below(plant_every);
    if (roll == 0) {
      const Indicator ind = MakeIndicator(seed, choose.Below(smallest));
      lines.Write(corpus, n, &ind, {});
      ++planted;
    } else if (roll == 1) {
      // A near miss: a domain of the set with a letter in front of it.
      uint64_t j = choose.Below(smallest);
      while (kRotation[j % kRotation.size()] != Kind::kDomain) j = (j + 1) % smallest;
      lines.Write(corpus, n, nullptr, "b" + MakeIndicator(seed, j).value);
      ++near_misses;
    } else {
      lines.Write(corpus, n, nullptr, {});
    }
    ++n;
  }
  const uint64_t corpus_bytes = corpus.written();
  corpus.Close();

  Out manifest(out_dir / "manifest.txt");
  std::string sets_text;
  for (uint64_t count : sets) sets_text += (sets_text.empty() ? "" : ",") + std::to_string(count);
  const std::string text =
      std::string(kVersion) + " seed=" + std::to_string(seed) + " bytes=" + std::to_string(bytes) +
      " sets=" + sets_text + " plant_every=" + std::to_string(plant_every) + "\n" +
      "corpus_bytes=" + std::to_string(corpus_bytes) + " lines=" + std::to_string(n) +
      " planted=" + std::to_string(planted) + " near_misses=" + std::to_string(near_misses) + "\n";
  manifest.Put(text);
  manifest.Close();
  std::fputs(text.c_str(), stdout);
  return 0;
}
