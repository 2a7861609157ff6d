#include "ecrn/evidence/zip_archive.hpp"

#include <cstdio>
#include <cstring>

#include "ecrn/evidence/signing.hpp"

namespace ecrn::evidence {

Sha256Stream::Sha256Stream() {
  static const bool ready = sodium_init() >= 0;
  (void)ready;
  crypto_hash_sha256_init(&state_);
}

void Sha256Stream::Update(std::string_view bytes) {
  crypto_hash_sha256_update(&state_, reinterpret_cast<const unsigned char*>(bytes.data()),
                            bytes.size());
}

std::string Sha256Stream::FinishHex() {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state_, digest);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

// ---------------------------------------------------------------------------
// Writing

// A streamed entry: libzip pulls its bytes through Callback at Close, and
// the hash and size are checked when the end is reached.
struct ZipWriter::Source {
  StreamedEntry entry;
  std::time_t mtime = 0;
  zip_error_t error;
  std::string failure;  // why reading failed, for the caller
  FILE* file = nullptr;
  size_t offset = 0;  // into entry.data
  int64_t read = 0;
  std::optional<Sha256Stream> hash;

  Source() { zip_error_init(&error); }
  ~Source() {
    if (file) std::fclose(file);
    zip_error_fini(&error);
  }

  zip_int64_t Fail(std::string why, int code = ZIP_ER_READ) {
    failure = std::move(why);
    zip_error_set(&error, code, 0);
    return -1;
  }

  zip_int64_t Open() {
    if (file) std::fclose(file);
    file = nullptr;
    offset = 0;
    read = 0;
    hash.emplace();
    if (entry.path) {
      file = std::fopen(entry.path->c_str(), "rb");
      if (!file) return Fail(entry.label + ": cannot open " + entry.path->string(), ZIP_ER_OPEN);
    }
    return 0;
  }

  zip_int64_t Read(void* data, zip_uint64_t len) {
    size_t n = 0;
    if (file) {
      n = std::fread(data, 1, len, file);
      if (n == 0 && std::ferror(file)) {
        return Fail(entry.label + ": cannot read " + entry.path->string());
      }
    } else {
      n = std::min<size_t>(len, entry.data.size() - offset);
      if (n > 0) std::memcpy(data, entry.data.data() + offset, n);
      offset += n;
    }
    read += static_cast<int64_t>(n);
    if (read > entry.expected_size) {
      return Fail(entry.label + ": has more than the " + std::to_string(entry.expected_size) +
                  " bytes recorded at acquisition");
    }
    if (n > 0) {
      hash->Update(std::string_view(static_cast<const char*>(data), n));
      return static_cast<zip_int64_t>(n);
    }
    if (read != entry.expected_size) {
      return Fail(entry.label + ": has " + std::to_string(read) + " bytes but " +
                  std::to_string(entry.expected_size) + " were recorded at acquisition");
    }
    const std::string actual = hash->FinishHex();
    if (actual != entry.expected_sha256) {
      return Fail(entry.label + ": SHA-256 is " + actual + " but " + entry.expected_sha256 +
                  " was recorded at acquisition");
    }
    return 0;
  }

  static zip_int64_t Callback(void* userdata, void* data, zip_uint64_t len, zip_source_cmd_t cmd) {
    auto* self = static_cast<Source*>(userdata);
    switch (cmd) {
      case ZIP_SOURCE_OPEN:
        return self->Open();
      case ZIP_SOURCE_READ:
        return self->Read(data, len);
      case ZIP_SOURCE_CLOSE:
        if (self->file) std::fclose(self->file);
        self->file = nullptr;
        return 0;
      case ZIP_SOURCE_STAT: {
        if (len < sizeof(zip_stat_t)) return -1;
        auto* st = static_cast<zip_stat_t*>(data);
        zip_stat_init(st);
        st->size = static_cast<zip_uint64_t>(self->entry.expected_size);
        st->mtime = self->mtime;
        st->valid = ZIP_STAT_SIZE | ZIP_STAT_MTIME;
        return sizeof(zip_stat_t);
      }
      case ZIP_SOURCE_ERROR:
        return zip_error_to_data(&self->error, data, len);
      case ZIP_SOURCE_FREE:
        return 0;
      case ZIP_SOURCE_SUPPORTS:
        return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
                                              ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE,
                                              -1);
      default:
        zip_error_set(&self->error, ZIP_ER_OPNOTSUPP, 0);
        return -1;
    }
  }
};

namespace {

std::string ZipErrorText(zip_error_t* error) { return zip_error_strerror(error); }

std::string ZipErrorText(int code) {
  zip_error_t error;
  zip_error_init_with_code(&error, code);
  std::string text = zip_error_strerror(&error);
  zip_error_fini(&error);
  return text;
}

// Why an archive cannot be opened for reading, in words for the receiver.
std::string NotAZip(int code) {
  if (code == ZIP_ER_EXISTS) return "not a readable zip archive: two entries have the same name";
  return "not a readable zip archive: " + ZipErrorText(code);
}

}  // namespace

Result<std::unique_ptr<ZipWriter>> ZipWriter::ToFile(const std::filesystem::path& path) {
  std::unique_ptr<ZipWriter> w(new ZipWriter());
  int code = 0;
  w->zip_ = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &code);
  if (!w->zip_) {
    return Error::Internal("cannot create the package file " + path.string(), ZipErrorText(code));
  }
  return w;
}

Result<std::unique_ptr<ZipWriter>> ZipWriter::ToMemory() {
  std::unique_ptr<ZipWriter> w(new ZipWriter());
  zip_error_t error;
  zip_error_init(&error);
  w->memory_ = zip_source_buffer_create(nullptr, 0, 0, &error);
  if (w->memory_) {
    zip_source_keep(w->memory_);
    w->zip_ = zip_open_from_source(w->memory_, ZIP_TRUNCATE, &error);
  }
  std::string text = ZipErrorText(&error);
  zip_error_fini(&error);
  if (!w->zip_) return Error::Internal("cannot start a zip in memory", text);
  return w;
}

ZipWriter::~ZipWriter() {
  if (zip_) zip_discard(zip_);
  if (memory_) zip_source_free(memory_);
}

Result<void> ZipWriter::Add(std::string_view name, zip_source_t* source) {
  if (!source) return Error::Internal("cannot add " + std::string(name), zip_strerror(zip_));
  const std::string n(name);
  const zip_int64_t index = zip_file_add(zip_, n.c_str(), source, ZIP_FL_ENC_UTF_8);
  if (index < 0) {
    zip_source_free(source);
    return Error::Internal("cannot add " + n + " to the package", zip_strerror(zip_));
  }
  const auto i = static_cast<zip_uint64_t>(index);
  if (zip_set_file_compression(zip_, i, ZIP_CM_DEFLATE, 0) != 0 ||
      zip_file_set_mtime(zip_, i, mtime_, 0) != 0) {
    return Error::Internal("cannot set up " + n + " in the package", zip_strerror(zip_));
  }
  return Ok();
}

Result<void> ZipWriter::AddBytes(std::string_view name, std::string bytes) {
  buffers_.push_back(std::move(bytes));
  const std::string& b = buffers_.back();
  return Add(name, zip_source_buffer(zip_, b.data(), b.size(), 0));
}

Result<void> ZipWriter::AddStreamed(StreamedEntry entry) {
  auto source = std::make_unique<Source>();
  source->entry = std::move(entry);
  source->mtime = mtime_;
  Source* raw = source.get();
  sources_.push_back(std::move(source));
  return Add(raw->entry.name, zip_source_function(zip_, &Source::Callback, raw));
}

Result<void> ZipWriter::CloseArchive() {
  if (zip_close(zip_) == 0) {
    zip_ = nullptr;
    return Ok();
  }
  std::string why = zip_strerror(zip_);
  zip_discard(zip_);
  zip_ = nullptr;
  // A streamed entry that did not match what was recorded is the caller's
  // problem (kInvalidArgument), not an I/O failure.
  for (const auto& s : sources_) {
    if (!s->failure.empty()) return Error::Invalid(s->failure);
  }
  return Error::Internal("cannot write the package", why);
}

Result<void> ZipWriter::Close() { return CloseArchive(); }

Result<std::string> ZipWriter::CloseToBytes() {
  ECRN_TRY(CloseArchive());
  zip_stat_t st;
  if (zip_source_stat(memory_, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) ||
      zip_source_open(memory_) != 0) {
    return Error::Internal("cannot read back the package from memory");
  }
  std::string out(st.size, '\0');
  const zip_int64_t n = zip_source_read(memory_, out.data(), out.size());
  zip_source_close(memory_);
  if (n < 0 || static_cast<zip_uint64_t>(n) != st.size) {
    return Error::Internal("cannot read back the package from memory");
  }
  return out;
}

// ---------------------------------------------------------------------------
// Reading

Result<std::unique_ptr<ZipReader>> ZipReader::OpenFile(const std::filesystem::path& path) {
  std::unique_ptr<ZipReader> r(new ZipReader());
  int code = 0;
  r->zip_ = zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code);
  if (!r->zip_) {
    if (code == ZIP_ER_NOENT || code == ZIP_ER_OPEN || code == ZIP_ER_READ) {
      return Error::NotFound("cannot read " + path.string() + ": " + ZipErrorText(code));
    }
    return Error::Invalid(NotAZip(code));
  }
  return r;
}

Result<std::unique_ptr<ZipReader>> ZipReader::OpenBytes(std::string_view bytes) {
  std::unique_ptr<ZipReader> r(new ZipReader());
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (src) {
    r->zip_ = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &error);
    if (!r->zip_) zip_source_free(src);
  }
  const std::string text = NotAZip(zip_error_code_zip(&error));
  zip_error_fini(&error);
  if (!r->zip_) return Error::Invalid(text);
  return r;
}

ZipReader::~ZipReader() {
  if (zip_) zip_discard(zip_);
}

Result<std::vector<ZipEntry>> ZipReader::Entries(int64_t max_entries) {
  const zip_int64_t count = zip_get_num_entries(zip_, 0);
  if (count < 0) return Error::Invalid("the zip directory cannot be read");
  if (count > max_entries) {
    return Error{ErrorCode::kTooLarge,
                 "the zip has " + std::to_string(count) + " entries, more than the limit of " +
                     std::to_string(max_entries),
                 {}};
  }
  std::vector<ZipEntry> out;
  out.reserve(static_cast<size_t>(count));
  for (zip_int64_t i = 0; i < count; ++i) {
    zip_stat_t st;
    if (zip_stat_index(zip_, static_cast<zip_uint64_t>(i), ZIP_FL_ENC_RAW, &st) != 0 ||
        !(st.valid & ZIP_STAT_NAME) || !(st.valid & ZIP_STAT_SIZE)) {
      return Error::Invalid("zip entry " + std::to_string(i) +
                            " cannot be read: " + zip_strerror(zip_));
    }
    ZipEntry e;
    e.index = static_cast<uint64_t>(i);
    e.name = st.name;
    if (st.size > static_cast<zip_uint64_t>(INT64_MAX)) {
      return Error::Invalid("zip entry " + e.name + " declares an impossible size");
    }
    e.size = static_cast<int64_t>(st.size);
    e.compressed_size =
        (st.valid & ZIP_STAT_COMP_SIZE) ? static_cast<int64_t>(st.comp_size) : e.size;
    out.push_back(std::move(e));
  }
  return out;
}

Result<void> ZipReader::Read(const ZipEntry& entry, int64_t max_bytes,
                             const std::function<void(std::string_view)>& chunk) {
  zip_file_t* file = zip_fopen_index(zip_, entry.index, 0);
  if (!file) return Error::Invalid(zip_strerror(zip_));
  std::string buffer(64 * 1024, '\0');
  int64_t total = 0;
  Result<void> result = Ok();
  for (;;) {
    const zip_int64_t n = zip_fread(file, buffer.data(), buffer.size());
    if (n < 0) {
      result = Error::Invalid(zip_file_strerror(file));
      break;
    }
    if (n == 0) break;
    total += n;
    if (total > max_bytes) {
      result = Error{ErrorCode::kTooLarge,
                     "holds more than the limit of " + std::to_string(max_bytes) + " bytes",
                     {}};
      break;
    }
    chunk(std::string_view(buffer.data(), static_cast<size_t>(n)));
  }
  const int closed = zip_fclose(file);
  if (result.ok() && closed != 0) return Error::Invalid(ZipErrorText(closed));
  return result;
}

Result<std::string> ZipReader::ReadAll(const ZipEntry& entry, int64_t max_bytes) {
  std::string out;
  if (entry.size <= max_bytes) out.reserve(static_cast<size_t>(entry.size));
  ECRN_TRY(Read(entry, max_bytes, [&](std::string_view c) { out.append(c); }));
  return out;
}

}  // namespace ecrn::evidence
