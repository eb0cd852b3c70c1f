#include <atomic>

#include "GitScene.h"
#include "git/Clone.h"
#include "git/GitError.h"

namespace oxd::git::testing {
namespace {

using CloneTest = GitScene;

TEST_F(CloneTest, ClonesFromFileUrlWithProgressToHundredPercent) {
  for (int i = 0; i < 20; ++i) {
    WriteFile(root_ / "seed" / ("f" + std::to_string(i)), std::string(1000 + i, 'x'));
  }
  Sh(root_ / "seed", "git add -A && git commit -q -m more && git push -q origin main");

  std::vector<TransferProgress> seen;
  NetworkOptions options;
  options.on_progress = [&](const TransferProgress& progress) { seen.push_back(progress); };
  fs::path destination = root_ / "checkouts/ledger";
  CloneReport report = CloneRepository({RemoteUrl(), destination, ""}, options);

  EXPECT_EQ(report.head, Head(root_ / "seed"));
  EXPECT_EQ(ReadFile(destination / "README.md"), "seed\n");
  EXPECT_EQ(Sh(destination, "git status --porcelain"), "");
  EXPECT_EQ(Sh(destination, "git rev-parse --abbrev-ref @{u}"), "origin/main\n");
  EXPECT_FALSE(fs::exists(root_ / "checkouts/.ledger.oxd-clone"));

  bool received_all = false;
  bool checkout_all = false;
  for (const TransferProgress& progress : seen) {
    EXPECT_LE(progress.percent, 100u);
    received_all |= progress.stage == "receiving" && progress.percent == 100;
    checkout_all |= progress.stage == "checkout" && progress.percent == 100;
  }
  EXPECT_TRUE(received_all);
  EXPECT_TRUE(checkout_all);
}

TEST_F(CloneTest, FailedCloneLeavesNothingAtDestination) {
  fs::path destination = root_ / "missing-clone";
  try {
    CloneRepository({"file://" + (root_ / "no-such-remote.git").string(), destination, ""},
                    NetworkOptions{});
    FAIL() << "clone of a missing remote succeeded";
  } catch (const GitError& error) {
    EXPECT_NE(std::string(error.what()).find("clone"), std::string::npos);
  }
  EXPECT_FALSE(fs::exists(destination));
  EXPECT_FALSE(fs::exists(root_ / ".missing-clone.oxd-clone"));
}

TEST_F(CloneTest, RefusesNonEmptyDestinationAndRemovesLeftoverStaging) {
  fs::path destination = root_ / "occupied";
  WriteFile(destination / "keep.txt", "mine\n");
  EXPECT_THROW(CloneRepository({RemoteUrl(), destination, ""}, NetworkOptions{}), GitError);
  EXPECT_EQ(ReadFile(destination / "keep.txt"), "mine\n");

  // A crash mid-clone leaves the staging directory; the next clone starts clean.
  fs::path fresh = root_ / "fresh";
  WriteFile(root_ / ".fresh.oxd-clone/partial", "half a clone");
  CloneRepository({RemoteUrl(), fresh, ""}, NetworkOptions{});
  EXPECT_TRUE(fs::exists(fresh / ".git"));
  EXPECT_FALSE(fs::exists(root_ / ".fresh.oxd-clone"));
}

}  // namespace
}  // namespace oxd::git::testing
