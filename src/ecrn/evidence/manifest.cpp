#include "ecrn/evidence/manifest.hpp"

#include "ecrn/evidence/zip_archive.hpp"

namespace ecrn::evidence {

std::string ContentDigest(const std::vector<DigestLine>& lines) {
  Sha256Stream hash;
  for (const DigestLine& l : lines) {
    hash.Update(l.path);
    hash.Update(" ");
    hash.Update(l.sha256);
    hash.Update(" ");
    hash.Update(std::to_string(l.size));
    hash.Update("\n");
  }
  return hash.FinishHex();
}

std::string Sha256Of(std::string_view bytes) {
  Sha256Stream hash;
  hash.Update(bytes);
  return hash.FinishHex();
}

}  // namespace ecrn::evidence
