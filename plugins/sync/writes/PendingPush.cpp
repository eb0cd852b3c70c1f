#include "writes/PendingPush.h"

#include "git/CommitAndPush.h"
#include "git/GitError.h"
#include "git/LocalCommits.h"

namespace oxd::sync {

std::size_t PushLocalCommits(sdk::Reporting report, const Repo& repo,
                             const git::NetworkOptions& network, const StageSink& stages) {
  std::size_t ahead = 0;
  try {
    ahead = git::CommitsAhead(repo.path);
    if (ahead == 0) return 0;
    if (stages) stages("pushing", "Pushing " + std::to_string(ahead) + " local commit(s)...");
    git::CommitReport pushed = git::CommitAndPush(repo.path, git::CommitRequest{}, network);
    report.log.information("%s: pushed %?d local commit(s), now at %s", repo.name,
                           static_cast<long>(ahead), pushed.commit.substr(0, 12));
    return ahead;
  } catch (const git::GitError& error) {
    std::string text =
        repo.name + ": " + std::to_string(ahead) + " local commit(s) not pushed: " + error.what();
    report.log.warning("%s", text);
    report.errors.add("push_failed", text, sdk::Severity::Warning);
    return 0;
  }
}

}  // namespace oxd::sync
