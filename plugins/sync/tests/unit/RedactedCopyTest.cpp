// A session file streamed into the ledger checkout through the redaction library: secrets split
// across read chunks are still found, the source stays as it was, and a failed copy leaves the
// destination and no temporary behind.
#include "writes/RedactedCopy.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

#include "FakeSecrets.h"
#include "Scratch.h"

namespace oxd::sync {
namespace {

namespace fs = std::filesystem;
using oxd::testing::FakeSecretCorpus;
using oxd::testing::Scratch;

std::string Read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

void Write(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::size_t TemporariesIn(const fs::path& dir) {
  std::size_t count = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().filename().string().find(".oxd-tmp.") != std::string::npos) ++count;
  }
  return count;
}

TEST(RedactedCopyTest, SecretsAcrossReadChunksAreFoundAndTheSourceStaysAsItWas) {
  Scratch scratch;
  // ~3 MB of lines of growing length, a secret in each: many straddle a 64 KiB chunk boundary.
  const auto corpus = FakeSecretCorpus();
  std::string source_text;
  std::string expected;
  std::size_t planted_count = 0;
  for (std::size_t n = 0; source_text.size() < 3'000'000; ++n, ++planted_count) {
    const auto& planted = corpus[n % corpus.size()];
    std::string padding(n % 997, 'x');
    source_text += padding + " " + planted.text + "\n";
    expected += padding + " " + planted.Redacted() + "\n";
  }
  fs::path source = scratch / "cache/raw.jsonl";
  fs::create_directories(source.parent_path());
  Write(source, source_text);
  fs::path destination = scratch / "ledger/sessions/s1/raw.jsonl";  // parents created

  redact::Counts counts = CopyRedacted(source, destination);

  EXPECT_TRUE(Read(destination) == expected) << "the redacted copy differs";
  for (const auto& planted : corpus) {
    EXPECT_EQ(Read(destination).find(planted.secret), std::string::npos) << planted.name;
  }
  EXPECT_EQ(counts.Total(), planted_count);
  EXPECT_TRUE(Read(source) == source_text);
  EXPECT_EQ(TemporariesIn(destination.parent_path()), 0u);
}

TEST(RedactedCopyTest, AFailedCopyLeavesTheDestinationAndNoTemporary) {
  Scratch scratch;
  fs::path destination = scratch / "ledger/raw.jsonl";
  fs::create_directories(destination.parent_path());
  Write(destination, "old\n");
  EXPECT_THROW(CopyRedacted(scratch / "missing.jsonl", destination), std::system_error);
  fs::create_directories(scratch / "a-directory");
  EXPECT_THROW(CopyRedacted(scratch / "a-directory", destination), std::system_error);
  EXPECT_EQ(Read(destination), "old\n");
  EXPECT_EQ(TemporariesIn(destination.parent_path()), 0u);
}

}  // namespace
}  // namespace oxd::sync
