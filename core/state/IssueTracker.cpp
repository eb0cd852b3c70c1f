#include "state/IssueTracker.h"

#include <Poco/JSON/Object.h>

#include <algorithm>

namespace oxd::core {

IssueTracker::IssueTracker(TimeSource clock) : clock_(std::move(clock)) {}

int IssueTracker::rank(sdk::Severity severity) {
  switch (severity) {
    case sdk::Severity::Critical:
      return 3;
    case sdk::Severity::Error:
      return 2;
    case sdk::Severity::Warning:
      return 1;
  }
  return 0;
}

std::string IssueTracker::severityName(sdk::Severity severity) {
  switch (severity) {
    case sdk::Severity::Critical:
      return "critical";
    case sdk::Severity::Error:
      return "error";
    case sdk::Severity::Warning:
      return "warning";
  }
  return "";
}

void IssueTracker::set(sdk::Issue issue) {
  sdk::Time now = currentTime(clock_);
  MutexLock lock(mutex_);
  Key key{issue.type, issue.repo};
  auto found = issues_.find(key);
  if (issue.since == sdk::Time{}) {
    issue.since = found != issues_.end() ? found->second.since : now;
  }
  issues_[key] = std::move(issue);
}

void IssueTracker::clear(const std::string& type, const std::string& repo) {
  MutexLock lock(mutex_);
  issues_.erase(Key{type, repo});
}

void IssueTracker::clearRepo(const std::string& repo) {
  MutexLock lock(mutex_);
  std::erase_if(issues_, [&](const auto& entry) { return entry.first.second == repo; });
}

void IssueTracker::clearAll() {
  MutexLock lock(mutex_);
  issues_.clear();
}

std::vector<sdk::Issue> IssueTracker::issues() const {
  std::vector<sdk::Issue> out;
  {
    MutexLock lock(mutex_);
    out.reserve(issues_.size());
    for (const auto& [key, issue] : issues_) out.push_back(issue);
  }
  // Stable over the (type, repo) map order, so equal rank and since list deterministically.
  std::stable_sort(out.begin(), out.end(), [](const sdk::Issue& a, const sdk::Issue& b) {
    if (rank(a.severity) != rank(b.severity)) return rank(a.severity) > rank(b.severity);
    return a.since < b.since;
  });
  return out;
}

std::size_t IssueTracker::count() const {
  MutexLock lock(mutex_);
  return issues_.size();
}

bool IssueTracker::needsHelp() const { return count() != 0; }

bool IssueTracker::hasConfirmRequired() const {
  MutexLock lock(mutex_);
  return std::any_of(issues_.begin(), issues_.end(),
                     [](const auto& entry) { return entry.second.requires_confirm; });
}

std::string IssueTracker::maxSeverity() const {
  MutexLock lock(mutex_);
  const sdk::Issue* highest = nullptr;
  for (const auto& [key, issue] : issues_) {
    if (!highest || rank(issue.severity) > rank(highest->severity)) highest = &issue;
  }
  return highest ? severityName(highest->severity) : "";
}

Poco::JSON::Array::Ptr IssueTracker::toJson() const {
  Poco::JSON::Array::Ptr out = sdk::emptyList();
  for (const sdk::Issue& issue : issues()) {
    Poco::JSON::Object::Ptr item = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    item->set("type", issue.type);
    item->set("severity", severityName(issue.severity));
    if (!issue.repo.empty()) item->set("repo", issue.repo);
    item->set("summary", issue.summary);
    item->set("since", sdk::formatTime(issue.since));
    if (issue.requires_confirm) item->set("requires_confirm", true);
    out->add(item);
  }
  return out;
}

std::string IssueTracker::formatLine(const sdk::Issue& issue, bool with_severity) {
  std::string line;
  // Appended piece by piece: GCC 12 at -O3 raises a false -Wrestrict on "[" + name + "] ".
  if (with_severity) {
    line += '[';
    line += severityName(issue.severity);
    line += "] ";
  }
  if (!issue.repo.empty()) {
    line += issue.repo;
    line += ": ";
  }
  line += issue.summary;
  if (issue.requires_confirm) line += " [CONFIRM REQUIRED]";
  return line;
}

}  // namespace oxd::core
