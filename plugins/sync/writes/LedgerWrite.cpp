#include "writes/LedgerWrite.h"

#include "git/ConflictRules.h"
#include "writes/WritePaths.h"

#include <unistd.h>
#include <set>

namespace oxd::sync {

namespace {

namespace fs = std::filesystem;

// A write killed between its temporary file and the rename (WriteFileAtomically) leaves
// `.<name>.oxd-tmp.<pid>` behind; the next ledger_write into that directory removes those of
// other processes, so the checkout ends clean (tests/fault/github_sigkill.sh).
void RemoveInterruptedWrites(const fs::path& directory) {
  std::error_code error;
  const std::string own = ".oxd-tmp." + std::to_string(::getpid());
  for (auto it = fs::directory_iterator(directory, error); !error && it != fs::directory_iterator();
       it.increment(error)) {
    std::string name = it->path().filename().string();
    if (name.starts_with(".") && name.find(".oxd-tmp.") != std::string::npos &&
        !name.ends_with(own)) {
      std::error_code ignored;
      fs::remove(it->path(), ignored);
    }
  }
}

}  // namespace

LedgerWriteOutcome WriteLedgerFiles(const RepoSet& repos, RepoWriter& writer,
                                    const sdk::LedgerWriteRequest& request) {
  std::vector<Repo> ledgers = repos.OfType(kLedgerType);
  if (ledgers.empty()) throw RefusedWrite("no ledger is configured for this project");
  const Repo& ledger = ledgers.front();
  if (!repos.State(ledger.id).exists) throw RefusedWrite("the ledger is not cloned yet");

  std::vector<WriteTarget> targets;
  targets.reserve(request.files.size());
  for (const auto& file : request.files) targets.push_back(ResolveInRepo(ledger, file.path));

  std::vector<git::ResolveRule> defaults;
  if (!request.theirs_prefix.empty()) {
    defaults.push_back({git::ResolveMode::kTheirs, request.theirs_prefix});
  }
  LedgerWriteOutcome outcome;
  outcome.write = writer.Write(
      ledger, "ledger_write of " + std::to_string(targets.size()) + " file(s)",
      [&] {
        std::vector<std::string> paths;
        std::set<fs::path> directories;
        for (const WriteTarget& target : targets) directories.insert(target.file.parent_path());
        for (const fs::path& directory : directories) RemoveInterruptedWrites(directory);
        for (std::size_t i = 0; i < targets.size(); ++i) {
          WriteFileAtomically(targets[i].file, request.files[i].content);
          paths.push_back(targets[i].repo_relative);
        }
        return paths;
      },
      request.message, defaults);
  for (const WriteTarget& target : targets) outcome.paths.push_back(target.repo_relative);
  return outcome;
}

}  // namespace oxd::sync
