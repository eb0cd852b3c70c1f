// The batch behind file-change murmurs: what files.changed events add, the murmur a period
// makes of them, and a murmur that could not be written kept for the next period.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

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
  std::optional<MurmurFile> murmur = batch.Drain({"Ox2", "Ox1"}, 1'795'428'000'000'000'000LL);
  ASSERT_TRUE(murmur);
  EXPECT_EQ(murmur->agent_id, "Ox1");
  EXPECT_EQ(murmur->content, "Ox1, Ox2 changed 2 files: src/a.cpp (deleted), src/b.cpp");
  EXPECT_EQ(murmur->topics, (std::vector<std::string>{"files"}));
  EXPECT_EQ(murmur->importance, kImportanceAmbient);
  EXPECT_EQ(murmur->id.rfind("m_", 0), 0u);
  EXPECT_TRUE(batch.empty()) << "only changes since the last murmur are reported";
}

TEST(FileChangeMurmursTest, ManyPathsAreCountedAndAnUnsentMurmurIsRetriedAsIs) {
  ChangeBatch batch;
  std::vector<std::string> paths;
  for (int i = 0; i < 20; ++i) paths.push_back("f" + std::to_string(i));
  batch.Add(Paths(paths));
  std::optional<MurmurFile> murmur = batch.Drain({}, 5);
  ASSERT_TRUE(murmur);
  EXPECT_EQ(murmur->agent_id, "oxd");
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
