#include <gtest/gtest.h>

#include "git/ConflictRules.h"
#include "git/GitError.h"

namespace oxd::git {
namespace {

TEST(ConflictRulesTest, LongestPrefixWins) {
  std::vector<std::string> warnings;
  ConflictRules rules = ConflictRules::Parse(
      "# comment\n"
      "include docs/\n"
      "resolve theirs data/\n"
      "resolve none data/proprietary/   # keep\n"
      "resolve ours notes\n"
      "resolve sideways x/\n"
      "resolve auto /\n",
      &warnings);
  EXPECT_EQ(rules.ModeFor("data/github/pr.json"), ResolveMode::kTheirs);
  EXPECT_EQ(rules.ModeFor("data/proprietary/a"), ResolveMode::kNone);
  EXPECT_EQ(rules.ModeFor("notes"), ResolveMode::kOurs);
  EXPECT_EQ(rules.ModeFor("notes/today.md"), ResolveMode::kOurs);
  EXPECT_EQ(rules.ModeFor("notesbook.md"), ResolveMode::kTheirs);  // only the catch-all
  EXPECT_EQ(rules.ModeFor("README.md"), ResolveMode::kTheirs);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find(":6:"), std::string::npos);
}

TEST(ConflictRulesTest, NoRulesCoverNothing) {
  ConflictRules rules = ConflictRules::Parse("resolve theirs data/\n");
  EXPECT_EQ(rules.ModeFor("README.md"), std::nullopt);
  EXPECT_EQ(rules.ModeFor("database/x"), std::nullopt);
}

TEST(SanitizeCredentialsTest, RemovesTokensFromUrlsAndText) {
  EXPECT_EQ(SanitizeCredentials("fetch https://oauth2:s3cr3t@git.example.com/a.git failed"),
            "fetch https://oauth2:***@git.example.com/a.git failed");
  EXPECT_EQ(SanitizeCredentials("http://alice:pa55@127.0.0.1:8080/x"),
            "http://alice:***@127.0.0.1:8080/x");
  EXPECT_EQ(SanitizeCredentials("https://ghp_abc123@github.com/o/r"), "https://***@github.com/o/r");
  EXPECT_EQ(SanitizeCredentials("remote said oauth2:tok@host"), "remote said oauth2:***@host");
  EXPECT_EQ(SanitizeCredentials("git://127.0.0.1:9418/x"), "git://127.0.0.1:9418/x");
  EXPECT_EQ(SanitizeCredentials("https://bob:a:b@h/x and https://t0k@h/y, mail a@b"),
            "https://bob:***@h/x and https://***@h/y, mail a@b");
  EXPECT_EQ(SanitizeCredentials("oauth2:"), "oauth2:");  // truncated text: nothing to hide
  GitError error(GitErrorKind::kNetwork, -1, 0, "https://x-access-token:abc@github.com/a");
  EXPECT_STREQ(error.what(), "https://x-access-token:***@github.com/a");
}

}  // namespace
}  // namespace oxd::git
