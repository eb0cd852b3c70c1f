// oxctl's whisper commands against the real oxd: what a person or a hook sees, and the exit
// codes scripts rely on (0 ok, 1 error reply, 2 usage).
#include "WhisperFixture.h"

namespace oxd::testing {
namespace {

using json = nlohmann::json;

class WhisperCliTest : public WhisperFixture {};

TEST_F(WhisperCliTest, WhispersPrintsEachNewWhisperOnceAndHistoryPages) {
  ASSERT_NO_FATAL_FAILURE(Start());
  Add({{"content", "first"}, {"author_agent_id", "Mate1"}, {"topic", "parser"}});
  Add({{"content", "second"}});
  Add({{"content", "third"}, {"importance", "critical"}});

  ProcessResult taken = oxctl({"whispers", "--agent", "Ox1"});
  ASSERT_EQ(taken.exit_code, 0) << taken.err;
  std::vector<std::string> lines;
  for (std::size_t start = 0, end; (end = taken.out.find('\n', start)) != std::string::npos;
       start = end + 1) {
    lines.push_back(taken.out.substr(start, end - start));
  }
  ASSERT_EQ(lines.size(), 3u) << taken.out;
  EXPECT_NE(lines[0].find("] manual !critical: third"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("] manual Mate1 (parser): first"), std::string::npos) << lines[1];
  EXPECT_EQ(oxctl({"whispers", "--agent", "Ox1"}).out, "") << "nothing new: nothing printed";

  ProcessResult page = oxctl({"whispers", "--history", "--agent", "Ox1", "--limit", "2"});
  ASSERT_EQ(page.exit_code, 0) << page.err;
  EXPECT_NE(page.out.find("] manual !critical [delivered]: third"), std::string::npos) << page.out;
  EXPECT_NE(page.out.find("more: oxctl whispers --history --before "), std::string::npos)
      << page.out;
  ProcessResult as_json = oxctl({"--json", "whispers", "--history"});
  ASSERT_EQ(as_json.exit_code, 0);
  EXPECT_EQ(json::parse(as_json.out)["data"]["entries"].size(), 3u);
}

TEST_F(WhisperCliTest, MistakesGetUsageErrorsOrTheDaemonsReason) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ProcessResult no_agent = oxctl({"whispers"});
  EXPECT_EQ(no_agent.exit_code, 2);
  EXPECT_NE(no_agent.err.find("--agent ID is required"), std::string::npos) << no_agent.err;
  ProcessResult loud = oxctl({"whispers", "--agent", "A", "--attention", "loud"});
  EXPECT_EQ(loud.exit_code, 1);
  EXPECT_NE(loud.err.find("attention: expected \"all\", \"normal\" or \"focused\""),
            std::string::npos)
      << loud.err;
  // An agent never seen has an empty history, as in the original.
  ProcessResult unknown = oxctl({"whispers", "--history", "--agent", "Typo"});
  EXPECT_EQ(unknown.exit_code, 0) << unknown.err;
  EXPECT_EQ(unknown.out, "no whispers\n");
  ProcessResult no_speaker = oxctl({"murmur", "hello"}, {.env = {{"OXD_AGENT_ID", ""}}});
  EXPECT_EQ(no_speaker.exit_code, 2) << no_speaker.err;
  ProcessResult no_ledger = oxctl({"murmur", "hello", "--agent", "Ox1"});
  EXPECT_EQ(no_ledger.exit_code, 1);
  EXPECT_NE(no_ledger.err.find("no ledger checkout to murmur into"), std::string::npos)
      << no_ledger.err;
  ProcessResult pause_without_agent = oxctl({"murmur", "pause"});
  EXPECT_EQ(pause_without_agent.exit_code, 2) << pause_without_agent.err;
}

TEST_F(WhisperCliTest, MurmurPauseAndResumeSayWhatTheyDid) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ProcessResult paused = oxctl({"murmur", "pause", "--agent", "Ox1"});
  EXPECT_EQ(paused.exit_code, 0) << paused.err;
  EXPECT_EQ(paused.out, "murmur nudges paused for Ox1\n");
  EXPECT_EQ(WhisperStatus()["nudges_paused"], json({"Ox1"}));
  ProcessResult resumed = oxctl({"murmur", "resume", "--agent", "Ox1"});
  EXPECT_EQ(resumed.out, "murmur nudges resumed for Ox1\n");
  EXPECT_EQ(WhisperStatus()["nudges_paused"], json::array());
}

}  // namespace
}  // namespace oxd::testing
