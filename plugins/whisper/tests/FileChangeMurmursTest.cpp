// The batch behind file-change murmurs: what files.changed events add, the murmur a period
// makes of them (in the original's murmur schema), and a murmur that could not be written kept
// for the next period.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include <regex>

#include "FileChangeMurmurs.h"

namespace oxd::whisper {
namespace {

sdk::FilesChangedEvent Event(const std::string& json) {
  return sdk::FilesChangedEvent::fromVar(
      Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>());
}

sdk::FilesChangedEvent Paths(const std::vector<std::string>& paths) {
  sdk::FilesChangedEvent event;
  for (const std::string& path : paths) event.changes.push_back({path, ""});
  return event;
}

TEST(FileChangeMurmursTest, ChangesSinceTheLastMurmurBecomeOneMurmurAttributedToActiveAgents) {
  ChangeBatch batch;
  EXPECT_TRUE(batch.empty());
  EXPECT_FALSE(batch.Drain({"Ox1"}, 1));
  batch.Add(Paths({"src/a.cpp", "src/b.cpp"}));
  batch.Add(Event(R"({"changes":[{"path":"src/a.cpp","type":"deleted"}]})"));
  EXPECT_THROW(Event(R"({"something":"else"})"), sdk::BadEvent);
  Nanos now = 1'795'428'000'000'000'000LL;  // 2026-11-23T10:00:00Z
  std::optional<MurmurFile> murmur = batch.Drain({"Ox2", "Ox1"}, now);
  ASSERT_TRUE(murmur);
  EXPECT_EQ(murmur->agent_id, "Ox1");
  EXPECT_EQ(murmur->content, "Ox1, Ox2 changed 2 files: src/a.cpp (deleted), src/b.cpp");
  EXPECT_EQ(murmur->topic, "files");
  EXPECT_EQ(murmur->importance, kImportanceAmbient);
  EXPECT_EQ(murmur->metadata,
            (std::map<std::string, std::string>{{"files", "src/a.cpp,src/b.cpp"}}));
  EXPECT_EQ(murmur->timestamp, now);
  // A UUIDv7 carrying the murmur's millisecond, as the original names its murmur files.
  EXPECT_TRUE(std::regex_match(
      murmur->id, std::regex("01a207d9-2100-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << murmur->id;
  EXPECT_EQ(murmur->RelativePath(), "data/murmurs/2026-11-23/10/" + murmur->id + ".json");
  EXPECT_TRUE(batch.empty()) << "only changes since the last murmur are reported";
}

TEST(FileChangeMurmursTest, ManyPathsAreCountedAndAnUnsentMurmurIsRetriedAsIs) {
  ChangeBatch batch;
  std::vector<std::string> paths;
  for (int i = 0; i < 20; ++i) paths.push_back("f" + std::to_string(i));
  batch.Add(Paths(paths));
  std::optional<MurmurFile> murmur = batch.Drain({}, 5);
  ASSERT_TRUE(murmur);
  EXPECT_EQ(murmur->agent_id, "") << "no agent active: the murmur has none";
  EXPECT_NE(murmur->content.find("Project files changed 20 files: "), std::string::npos);
  EXPECT_NE(murmur->content.find(" and 12 more"), std::string::npos) << murmur->content;
  batch.Restore(*murmur);
  EXPECT_FALSE(batch.empty());
  std::optional<MurmurFile> retry = batch.Drain({"Ox1"}, 9);
  ASSERT_TRUE(retry);
  EXPECT_EQ(retry->id, murmur->id);
}

}  // namespace
}  // namespace oxd::whisper
