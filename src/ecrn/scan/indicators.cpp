#include "ecrn/scan/indicators.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <tuple>
#include <utility>

#include <boost/json/basic_parser_impl.hpp>

#include "ecrn/core/time.hpp"
#include "ecrn/pattern/validate.hpp"
#include "ecrn/scan/normalise.hpp"

namespace ecrn::scan {
namespace {

constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
constexpr Micros kNoTime = std::numeric_limits<Micros>::min();

// Where an entry's text lives in the arena.
struct Span {
  uint32_t off = kNone;
  uint32_t len = 0;
};

enum class Status : uint8_t { kKept, kRevoked, kOtherType, kRejected };

struct Entry {
  std::array<uint8_t, 16> uuid{};  // when !id_text
  Span id;                         // when id_text: the whole id
  Span name;
  Span body;     // kLookups: encoded terms; kGeneral/kRejected: pattern text or reason
  Span pattern;  // the pattern as written, when kept
  Micros valid_from = kNoTime;
  Micros valid_until = kNoTime;
  IndicatorSet::Form form = IndicatorSet::Form::kGeneral;
  Status status = Status::kKept;
  bool id_text = false;
  bool fast = false;
};

// The fields of one STIX object that loading reads.
struct Fields {
  std::string_view type, id, modified, created, name, pattern, pattern_type, valid_from,
      valid_until;
  bool revoked = false;
};

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// "indicator--" + a lower-case UUID as 16 bytes.
bool ParseIndicatorUuid(std::string_view id, std::array<uint8_t, 16>& out) {
  constexpr std::string_view kPrefix = "indicator--";
  if (id.size() != kPrefix.size() + 36 || id.substr(0, kPrefix.size()) != kPrefix) return false;
  std::string_view u = id.substr(kPrefix.size());
  size_t b = 0;
  for (size_t i = 0; i < u.size();) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (u[i] != '-') return false;
      ++i;
      continue;
    }
    const int hi = Hex(u[i]);
    const int lo = Hex(u[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[b++] = static_cast<uint8_t>(hi << 4 | lo);
    i += 2;
  }
  return b == 16;
}

}  // namespace

struct IndicatorSet::Data {
  std::vector<Entry> entries;
  std::string arena;
  LoadStats stats;
  bool keep_pattern_text = false;

  std::string_view Text(Span s) const {
    if (s.off == kNone) return {};
    return std::string_view(arena).substr(s.off, s.len);
  }
};

// Accumulates objects, keeping the latest version of each id.
class IndicatorSetBuilder {
 public:
  explicit IndicatorSetBuilder(const LoadOptions& options)
      : d_(std::make_unique<IndicatorSet::Data>()) {
    d_->keep_pattern_text = options.keep_pattern_text;
  }

  // Room for what `input_bytes` of JSON may hold (so that growing does not
  // copy, and briefly double, the largest buffers). Capacity that stays
  // unused is never touched, so it costs address space, not memory.
  void ReserveFor(uint64_t input_bytes) {
    constexpr uint64_t kMinObjectBytes = 150;  // a minimal indicator
    const uint64_t objects = std::min<uint64_t>(input_bytes / kMinObjectBytes, 1U << 26);
    d_->entries.reserve(objects);
    modified_.reserve(objects);
    d_->arena.reserve(std::min<uint64_t>(input_bytes / 2, uint64_t{1} << 31));
  }

  Result<void> Add(const Fields& f) {
    ++d_->stats.objects;
    if (f.type != "indicator") return Ok();
    if (d_->arena.size() > (uint64_t{1} << 31)) {
      return Error{ErrorCode::kTooLarge, "too many indicators (more than 2 GiB of text)", {}};
    }
    Micros modified = 0;
    if (auto t = ParseTimestamp(f.modified.empty() ? f.created : f.modified)) modified = t->micros;

    Entry e;
    e.id_text = !ParseIndicatorUuid(f.id, e.uuid);
    const uint64_t h =
        e.id_text ? HashBytes(f.id)
                  : HashBytes(std::string_view(reinterpret_cast<const char*>(e.uuid.data()), 16));
    size_t slot = 0;
    const uint32_t existing = Find(h, f.id, e, slot);
    if (existing != kNone) {
      ++d_->stats.older_versions;
      if (modified <= modified_[existing]) return Ok();
    }
    if (e.id_text) e.id = Put(f.id);
    Fill(f, e);
    if (existing != kNone) {
      d_->entries[existing] = e;
      modified_[existing] = modified;
      return Ok();
    }
    const auto index = static_cast<uint32_t>(d_->entries.size());
    d_->entries.push_back(e);
    modified_.push_back(modified);
    slots_[slot] = {index, static_cast<uint32_t>(h >> 32)};
    return Ok();
  }

  IndicatorSet Finish() {
    // Compacted in place: a copy would double the peak at a million.
    std::vector<Entry>& entries = d_->entries;
    size_t kept = 0;
    LoadStats& st = d_->stats;
    for (const Entry& e : entries) {
      switch (e.status) {
        case Status::kKept:
          entries[kept++] = e;
          if (e.fast) ++st.fast_path;
          break;
        case Status::kRevoked:
          ++st.revoked;
          break;
        case Status::kOtherType:
          ++st.other_pattern_types;
          break;
        case Status::kRejected:
          st.rejected.push_back({IdOf(e), std::string(d_->Text(e.body))});
          break;
      }
    }
    st.indicators = kept;
    entries.resize(kept);
    modified_ = {};
    slots_ = {};
    IndicatorSet set;
    set.data_ = std::move(d_);
    return set;
  }

 private:
  std::string IdOf(const Entry& e) const {
    if (e.id_text) return std::string(d_->Text(e.id));
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out = "indicator--";
    for (size_t i = 0; i < 16; ++i) {
      if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
      out += kDigits[e.uuid[i] >> 4];
      out += kDigits[e.uuid[i] & 0xF];
    }
    return out;
  }

  Span Put(std::string_view s) {
    Span span{static_cast<uint32_t>(d_->arena.size()), static_cast<uint32_t>(s.size())};
    d_->arena.append(s);
    return span;
  }

  void Reject(Entry& e, std::string reason) {
    e.status = Status::kRejected;
    e.body = Put(reason);
  }

  void Fill(const Fields& f, Entry& e) {
    if (f.revoked) {
      e.status = Status::kRevoked;
      return;
    }
    if (!f.pattern_type.empty() && f.pattern_type != "stix") {
      e.status = Status::kOtherType;
      return;
    }
    if (f.id.empty()) return Reject(e, "no id");
    for (auto [text, out, what] : {std::tuple{f.valid_from, &e.valid_from, "valid_from"},
                                   std::tuple{f.valid_until, &e.valid_until, "valid_until"}}) {
      if (text.empty()) continue;
      auto t = ParseTimestamp(text);
      if (!t) return Reject(e, std::string(what) + ": " + t.error().message);
      *out = t->micros;
    }
    if (f.pattern.empty()) return Reject(e, "no pattern");
    std::optional<std::vector<LookupTerm>> terms = RecogniseSimplePattern(f.pattern);
    e.fast = terms.has_value();
    if (!terms) {
      // LookupTermsOf reads networks and spellings as ReadPattern rewrites
      // them, so the pattern as written will do.
      auto parsed = pattern::ParseAndValidatePattern(f.pattern);
      if (!parsed) return Reject(e, "pattern: " + parsed.error().message);
      terms = LookupTermsOf(*parsed);
    }
    e.name = Put(f.name);
    if (d_->keep_pattern_text) e.pattern = Put(f.pattern);
    if (terms && !terms->empty()) {
      e.form = IndicatorSet::Form::kLookups;
      e.body.off = static_cast<uint32_t>(d_->arena.size());
      for (const LookupTerm& t : *terms) {
        const auto len = static_cast<uint32_t>(t.key.size());
        d_->arena += static_cast<char>(t.kind);
        d_->arena.append(reinterpret_cast<const char*>(&len), sizeof len);
        d_->arena.append(t.key);
      }
      e.body.len = static_cast<uint32_t>(d_->arena.size()) - e.body.off;
      return;
    }
    e.form = IndicatorSet::Form::kGeneral;
    e.body = d_->keep_pattern_text ? e.pattern : Put(f.pattern);
  }

  // The entry with this id, or kNone and the free slot for it.
  uint32_t Find(uint64_t h, std::string_view id, const Entry& probe, size_t& slot) {
    if ((d_->entries.size() + 1) * 2 > slots_.size()) Grow();
    const size_t mask = slots_.size() - 1;
    const auto tag = static_cast<uint32_t>(h >> 32);
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      const uint32_t at = slots_[i].index;
      if (at == kNone) {
        slot = i;
        return kNone;
      }
      if (slots_[i].tag != tag) continue;
      const Entry& e = d_->entries[at];
      if (e.id_text != probe.id_text) continue;
      if (e.id_text ? d_->Text(e.id) == id : e.uuid == probe.uuid) return at;
    }
  }

  uint64_t HashOf(const Entry& e) const {
    return e.id_text
               ? HashBytes(d_->Text(e.id))
               : HashBytes(std::string_view(reinterpret_cast<const char*>(e.uuid.data()), 16));
  }

  void Grow() {
    std::vector<Slot> next(slots_.empty() ? 1024 : slots_.size() * 2);
    const size_t mask = next.size() - 1;
    for (uint32_t idx = 0; idx < d_->entries.size(); ++idx) {
      const uint64_t h = HashOf(d_->entries[idx]);
      size_t i = h & mask;
      while (next[i].index != kNone) i = (i + 1) & mask;
      next[i] = {idx, static_cast<uint32_t>(h >> 32)};
    }
    slots_ = std::move(next);
  }

  std::unique_ptr<IndicatorSet::Data> d_;
  std::vector<Micros> modified_;
  struct Slot {
    uint32_t index = kNone;
    uint32_t tag = 0;
  };
  std::vector<Slot> slots_;
};

namespace {

// The SAX handler: picks the fields of each STIX object out of the stream.
// A JSON object is a STIX object when it is the document, an element of a
// top-level array, or an element of the "objects" array of such an object.
class Handler {
 public:
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  explicit Handler(IndicatorSetBuilder* builder) : builder_(builder) {}

  Result<void> status = Ok();

  bool on_document_begin(boost::system::error_code&) { return true; }
  bool on_document_end(boost::system::error_code&) { return true; }

  bool on_object_begin(boost::system::error_code&) {
    bool candidate = stack_.empty();
    if (!stack_.empty() && !stack_.back().object) {
      candidate = stack_.size() == 1 || stack_.back().objects_array;
    }
    Value();
    stack_.push_back({true, candidate, false});
    if (candidate) {
      for (auto& s : fields_) s.clear();
      revoked_ = false;
    }
    return true;
  }

  bool on_object_end(std::size_t, boost::system::error_code& ec) {
    const Frame f = stack_.back();
    stack_.pop_back();
    if (!f.candidate) return true;
    Fields out;
    out.type = fields_[kType];
    if (out.type.empty() || out.type == "bundle") return Clear();
    out.id = fields_[kId];
    out.modified = fields_[kModified];
    out.created = fields_[kCreated];
    out.name = fields_[kName];
    out.pattern = fields_[kPattern];
    out.pattern_type = fields_[kPatternType];
    out.valid_from = fields_[kValidFrom];
    out.valid_until = fields_[kValidUntil];
    out.revoked = revoked_;
    if (auto r = builder_->Add(out); !r) {
      status = r;
      ec = boost::json::error::exception;
      return false;
    }
    return Clear();
  }

  bool on_array_begin(boost::system::error_code&) {
    const bool objects = !stack_.empty() && stack_.back().candidate && capture_ == kObjects;
    Value();
    stack_.push_back({false, false, objects});
    return true;
  }
  bool on_array_end(std::size_t, boost::system::error_code&) {
    stack_.pop_back();
    return true;
  }

  bool on_key_part(boost::json::string_view s, std::size_t, boost::system::error_code&) {
    if (AtCandidate()) key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(boost::json::string_view s, std::size_t, boost::system::error_code&) {
    if (!AtCandidate()) return true;
    key_.append(s.data(), s.size());
    capture_ = FieldOf(key_);
    if (capture_ < kFieldCount) fields_[capture_].clear();  // a repeated key: the last wins
    key_.clear();
    return true;
  }

  bool on_string_part(boost::json::string_view s, std::size_t, boost::system::error_code&) {
    if (AtCandidate() && capture_ < kFieldCount) fields_[capture_].append(s.data(), s.size());
    return true;
  }
  bool on_string(boost::json::string_view s, std::size_t, boost::system::error_code&) {
    if (AtCandidate() && capture_ < kFieldCount) fields_[capture_].append(s.data(), s.size());
    Value();
    return true;
  }
  bool on_number_part(boost::json::string_view, boost::system::error_code&) { return true; }
  bool on_int64(int64_t, boost::json::string_view, boost::system::error_code&) { return Value(); }
  bool on_uint64(uint64_t, boost::json::string_view, boost::system::error_code&) { return Value(); }
  bool on_double(double, boost::json::string_view, boost::system::error_code&) { return Value(); }
  bool on_bool(bool b, boost::system::error_code&) {
    if (AtCandidate() && capture_ == kRevoked) revoked_ = b;
    return Value();
  }
  bool on_null(boost::system::error_code&) { return Value(); }
  bool on_comment_part(boost::json::string_view, boost::system::error_code&) { return true; }
  bool on_comment(boost::json::string_view, boost::system::error_code&) { return true; }

 private:
  enum Field {
    kType,
    kId,
    kModified,
    kCreated,
    kName,
    kPattern,
    kPatternType,
    kValidFrom,
    kValidUntil,
    kFieldCount,
    kRevoked = kFieldCount + 1,
    kObjects,
    kOther,
  };
  struct Frame {
    bool object;
    bool candidate;
    bool objects_array;
  };

  static int FieldOf(std::string_view key) {
    static constexpr std::pair<std::string_view, int> kKeys[] = {
        {"type", kType},
        {"id", kId},
        {"modified", kModified},
        {"created", kCreated},
        {"name", kName},
        {"pattern", kPattern},
        {"pattern_type", kPatternType},
        {"valid_from", kValidFrom},
        {"valid_until", kValidUntil},
        {"revoked", kRevoked},
        {"objects", kObjects},
    };
    for (const auto& [k, f] : kKeys) {
      if (k == key) return f;
    }
    return kOther;
  }

  bool AtCandidate() const { return !stack_.empty() && stack_.back().candidate; }

  // A value of the candidate's current key is complete (or begins).
  bool Value() {
    if (AtCandidate()) capture_ = kOther;
    return true;
  }

  bool Clear() {
    for (auto& s : fields_) s.clear();
    revoked_ = false;
    capture_ = kOther;
    return true;
  }

  IndicatorSetBuilder* builder_;
  std::vector<Frame> stack_;
  std::array<std::string, kFieldCount> fields_;
  std::string key_;
  int capture_ = kOther;
  bool revoked_ = false;
};

using Parser = boost::json::basic_parser<Handler>;

boost::json::parse_options ParseOptions() {
  boost::json::parse_options o;
  o.max_depth = 64;
  return o;
}

Result<void> Feed(Parser& p, const char* data, size_t size, bool more, uint64_t& offset) {
  boost::system::error_code ec;
  const size_t used = p.write_some(more, data, size, ec);
  if (!p.handler().status) return p.handler().status;
  if (ec) {
    return Error::Invalid("invalid JSON at byte " + std::to_string(offset + used) + ": " +
                          ec.message());
  }
  if (used < size) {
    return Error::Invalid("invalid JSON at byte " + std::to_string(offset + used) +
                          ": text after the end of the document");
  }
  offset += used;
  return Ok();
}

}  // namespace

IndicatorSet::IndicatorSet() : data_(std::make_unique<Data>()) {}
IndicatorSet::IndicatorSet(IndicatorSet&&) noexcept = default;
IndicatorSet& IndicatorSet::operator=(IndicatorSet&&) noexcept = default;
IndicatorSet::~IndicatorSet() = default;

size_t IndicatorSet::size() const { return data_->entries.size(); }

std::string IndicatorSet::Id(size_t i) const {
  const Entry& e = data_->entries[i];
  if (e.id_text) return std::string(data_->Text(e.id));
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "indicator--";
  for (size_t b = 0; b < 16; ++b) {
    if (b == 4 || b == 6 || b == 8 || b == 10) out += '-';
    out += kDigits[e.uuid[b] >> 4];
    out += kDigits[e.uuid[b] & 0xF];
  }
  return out;
}

std::string_view IndicatorSet::Name(size_t i) const { return data_->Text(data_->entries[i].name); }

std::optional<Micros> IndicatorSet::ValidFrom(size_t i) const {
  const Micros t = data_->entries[i].valid_from;
  if (t == kNoTime) return std::nullopt;
  return t;
}

std::optional<Micros> IndicatorSet::ValidUntil(size_t i) const {
  const Micros t = data_->entries[i].valid_until;
  if (t == kNoTime) return std::nullopt;
  return t;
}

IndicatorSet::Form IndicatorSet::form(size_t i) const { return data_->entries[i].form; }

std::vector<IndicatorSet::Term> IndicatorSet::Terms(size_t i) const {
  std::vector<Term> out;
  const Entry& e = data_->entries[i];
  if (e.form != Form::kLookups) return out;
  std::string_view body = data_->Text(e.body);
  while (!body.empty()) {
    const auto kind = static_cast<Kind>(body[0]);
    uint32_t len = 0;
    std::memcpy(&len, body.data() + 1, sizeof len);
    const std::string_view key = body.substr(1 + sizeof len, len);
    out.push_back({kind, key, static_cast<uint32_t>(key.data() - data_->arena.data())});
    body.remove_prefix(1 + sizeof len + len);
  }
  return out;
}

std::string IndicatorSet::PatternText(size_t i) const {
  const Entry& e = data_->entries[i];
  if (e.pattern.off != kNone) return std::string(data_->Text(e.pattern));
  if (e.form == Form::kGeneral) return std::string(data_->Text(e.body));
  std::vector<LookupTerm> terms;
  for (const Term& t : Terms(i)) terms.push_back({t.kind, std::string(t.key)});
  return PatternOfTerms(terms);
}

const char* IndicatorSet::Arena() const { return data_->arena.data(); }

const LoadStats& IndicatorSet::stats() const { return data_->stats; }

size_t IndicatorSet::MemoryBytes() const {
  return data_->entries.size() * sizeof(Entry) + data_->arena.size();
}

Result<IndicatorSet> LoadIndicatorJson(std::string_view json, const LoadOptions& options) {
  IndicatorSetBuilder builder(options);
  builder.ReserveFor(json.size());
  Parser parser(ParseOptions(), &builder);
  uint64_t offset = 0;
  ECRN_TRY(Feed(parser, json.data(), json.size(), false, offset));
  return builder.Finish();
}

Result<IndicatorSet> LoadIndicatorFile(const std::string& path, const LoadOptions& options) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!file) {
    return Error{ErrorCode::kNotFound, "cannot open " + path + ": " + std::strerror(errno), {}};
  }
  IndicatorSetBuilder builder(options);
  if (std::fseek(file.get(), 0, SEEK_END) == 0) {
    const long size = std::ftell(file.get());
    if (size > 0) builder.ReserveFor(static_cast<uint64_t>(size));
    std::rewind(file.get());
  }
  Parser parser(ParseOptions(), &builder);
  std::vector<char> buffer(size_t{1} << 20);
  uint64_t offset = 0;
  for (;;) {
    const size_t n = std::fread(buffer.data(), 1, buffer.size(), file.get());
    if (n == 0) {
      if (std::ferror(file.get())) return Error::Internal("cannot read " + path);
      break;
    }
    auto r = Feed(parser, buffer.data(), n, true, offset);
    if (!r) return Error{r.error().code, path + ": " + r.error().message, r.error().detail};
  }
  auto r = Feed(parser, nullptr, 0, false, offset);
  if (!r) return Error{r.error().code, path + ": " + r.error().message, r.error().detail};
  return builder.Finish();
}

Result<IndicatorSet> LoadIndicators(std::span<const stix::Object> objects,
                                    const LoadOptions& options) {
  IndicatorSetBuilder builder(options);
  for (const stix::Object& o : objects) {
    Fields f;
    f.type = o.type();
    f.id = o.id();
    f.modified = o.modified();
    f.created = o.created();
    f.name = o.Str("name");
    f.pattern = o.Str("pattern");
    f.pattern_type = o.Str("pattern_type");
    f.valid_from = o.Str("valid_from");
    f.valid_until = o.Str("valid_until");
    if (const auto* r = o.json().if_contains("revoked"); r && r->is_bool()) {
      f.revoked = r->get_bool();
    }
    ECRN_TRY(builder.Add(f));
  }
  return builder.Finish();
}

}  // namespace ecrn::scan
