#include "state/IssueTracker.h"

#include "StateTestSupport.h"

#include <Poco/JSON/Object.h>

#include <gtest/gtest.h>

#include <thread>

namespace oxd::core {
namespace {

using namespace std::chrono_literals;
using sdk::Issue;
using sdk::Severity;

Issue issue(std::string type, std::string repo, Severity severity = Severity::Warning,
            std::string summary = "something") {
  Issue out;
  out.type = std::move(type);
  out.repo = std::move(repo);
  out.severity = severity;
  out.summary = std::move(summary);
  return out;
}

class IssueTrackerTest : public ::testing::Test {
 protected:
  testing::ManualClock clock;
  IssueTracker tracker{clock.source()};
};

TEST_F(IssueTrackerTest, EmptyNeedsNoHelp) {
  EXPECT_FALSE(tracker.needsHelp());
  EXPECT_EQ(tracker.count(), 0u);
  EXPECT_EQ(tracker.maxSeverity(), "");
  EXPECT_EQ(tracker.toJson()->size(), 0u);
}

TEST_F(IssueTrackerTest, DeduplicatesOnTypeAndRepo) {
  tracker.set(issue("git_lock", "ledger"));
  tracker.set(issue("git_lock", "ledger", Severity::Error, "updated"));
  EXPECT_EQ(tracker.count(), 1u);
  EXPECT_EQ(tracker.issues()[0].summary, "updated");
  tracker.set(issue("git_lock", "team_1"));
  tracker.set(issue("merge_conflict", "ledger"));
  EXPECT_EQ(tracker.count(), 3u);
  EXPECT_TRUE(tracker.needsHelp());
}

TEST_F(IssueTrackerTest, GlobalIssuesDeduplicateToo) {
  tracker.set(issue("auth", ""));
  tracker.set(issue("auth", ""));
  EXPECT_EQ(tracker.count(), 1u);
}

TEST_F(IssueTrackerTest, SortsCriticalThenErrorThenWarning) {
  tracker.set(issue("w", "r", Severity::Warning));
  tracker.set(issue("c", "r", Severity::Critical));
  tracker.set(issue("e", "r", Severity::Error));
  auto sorted = tracker.issues();
  ASSERT_EQ(sorted.size(), 3u);
  EXPECT_EQ(sorted[0].type, "c");
  EXPECT_EQ(sorted[1].type, "e");
  EXPECT_EQ(sorted[2].type, "w");
  EXPECT_EQ(tracker.maxSeverity(), "critical");
}

TEST_F(IssueTrackerTest, Ranks) {
  EXPECT_EQ(IssueTracker::rank(Severity::Critical), 3);
  EXPECT_EQ(IssueTracker::rank(Severity::Error), 2);
  EXPECT_EQ(IssueTracker::rank(Severity::Warning), 1);
}

TEST_F(IssueTrackerTest, MaxSeverity) {
  tracker.set(issue("a", "", Severity::Warning));
  EXPECT_EQ(tracker.maxSeverity(), "warning");
  tracker.set(issue("b", "", Severity::Error));
  EXPECT_EQ(tracker.maxSeverity(), "error");
}

TEST_F(IssueTrackerTest, SinceIsStampedAndKeptOnUpdate) {
  tracker.set(issue("lock", "ledger"));
  sdk::Time first = clock.now();
  EXPECT_EQ(tracker.issues()[0].since, first);
  clock.advance(10min);
  tracker.set(issue("lock", "ledger", Severity::Error));
  EXPECT_EQ(tracker.issues()[0].since, first);
  Issue explicit_since = issue("lock", "ledger");
  explicit_since.since = clock.now();
  tracker.set(explicit_since);
  EXPECT_EQ(tracker.issues()[0].since, clock.now());
}

TEST_F(IssueTrackerTest, UpdateReplacesSeverityAndConfirmation) {
  Issue first = issue("conflict", "ledger", Severity::Error);
  first.requires_confirm = true;
  tracker.set(first);
  EXPECT_TRUE(tracker.hasConfirmRequired());
  tracker.set(issue("conflict", "ledger", Severity::Warning));
  EXPECT_FALSE(tracker.hasConfirmRequired());
  EXPECT_EQ(tracker.issues()[0].severity, Severity::Warning);
}

TEST_F(IssueTrackerTest, ClearOneRepoAndAll) {
  tracker.set(issue("a", "ledger"));
  tracker.set(issue("b", "ledger"));
  tracker.set(issue("a", "team"));
  tracker.set(issue("g", ""));
  tracker.clear("missing", "ledger");  // no-op
  EXPECT_EQ(tracker.count(), 4u);
  tracker.clear("a", "team");
  EXPECT_EQ(tracker.count(), 3u);
  tracker.clearRepo("ledger");
  EXPECT_EQ(tracker.count(), 1u);
  EXPECT_EQ(tracker.issues()[0].type, "g");
  tracker.clearAll();
  EXPECT_FALSE(tracker.needsHelp());
}

TEST_F(IssueTrackerTest, IssuesReturnsACopy) {
  tracker.set(issue("a", "ledger"));
  auto copy = tracker.issues();
  copy[0].summary = "changed";
  copy.clear();
  EXPECT_EQ(tracker.issues()[0].summary, "something");
}

TEST_F(IssueTrackerTest, FormatLine) {
  Issue conflict = issue("merge_conflict", "ledger", Severity::Error, "Has merge conflicts");
  conflict.requires_confirm = true;
  EXPECT_EQ(IssueTracker::formatLine(conflict),
            "[error] ledger: Has merge conflicts [CONFIRM REQUIRED]");
  EXPECT_EQ(IssueTracker::formatLine(issue("auth", "", Severity::Warning, "Auth expires soon")),
            "[warning] Auth expires soon");
  EXPECT_EQ(IssueTracker::formatLine(issue("auth", "team", Severity::Critical, "x"), false),
            "team: x");
}

TEST_F(IssueTrackerTest, JsonOmitsEmptyRepoAndFalseConfirmation) {
  tracker.set(issue("auth", "", Severity::Warning, "Auth expires soon"));
  Issue conflict = issue("merge_conflict", "ledger", Severity::Critical, "Conflicts");
  conflict.requires_confirm = true;
  tracker.set(conflict);
  auto json = tracker.toJson();
  ASSERT_EQ(json->size(), 2u);
  auto critical = json->getObject(0);
  EXPECT_EQ(critical->getNames(), (std::vector<std::string>{"type", "severity", "repo", "summary",
                                                            "since", "requires_confirm"}));
  EXPECT_EQ(critical->getValue<std::string>("severity"), "critical");
  EXPECT_EQ(critical->getValue<std::string>("since"), sdk::formatTime(clock.now()));
  auto warning = json->getObject(1);
  EXPECT_EQ(warning->getNames(),
            (std::vector<std::string>{"type", "severity", "summary", "since"}));
  EXPECT_EQ(warning->getValue<std::string>("severity"), "warning");
}

TEST_F(IssueTrackerTest, ConcurrentSetAndClearAreSafe) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 400; ++i) {
        std::string repo = "repo" + std::to_string(i % 5);
        tracker.set(issue("type" + std::to_string(t % 3), repo, static_cast<Severity>(i % 3)));
        if (i % 7 == 0) tracker.clear("type" + std::to_string(t % 3), repo);
        if (i % 50 == 0) {
          tracker.clearRepo("repo0");
          tracker.toJson();
          tracker.maxSeverity();
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_LE(tracker.count(), 15u);
}

}  // namespace
}  // namespace oxd::core
