#include "git/ConflictRules.h"

#include <sstream>

#include "git/Handles.h"

namespace oxd::git {

namespace {

std::optional<ResolveMode> ParseMode(std::string_view word) {
  if (word == "theirs" || word == "auto") {
    return ResolveMode::kTheirs;
  }
  if (word == "ours") {
    return ResolveMode::kOurs;
  }
  if (word == "none") {
    return ResolveMode::kNone;
  }
  return std::nullopt;
}

// A prefix ending in '/' covers what lies below it; one without covers that exact path and,
// when it names a directory, what lies below it ("data" covers "data/x", not "database").
bool Covers(std::string_view prefix, std::string_view path) {
  if (prefix == "/") {
    return true;
  }
  if (!path.starts_with(prefix)) {
    return false;
  }
  return prefix.ends_with('/') || path.size() == prefix.size() || path[prefix.size()] == '/';
}

}  // namespace

ConflictRules ConflictRules::Parse(std::string_view text, std::vector<std::string>* warnings) {
  ConflictRules result;
  std::istringstream lines{std::string(text)};
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    if (auto comment = line.find('#'); comment != std::string::npos) {
      line.erase(comment);
    }
    std::istringstream words(line);
    std::string directive, mode, prefix, extra;
    words >> directive >> mode >> prefix >> extra;
    if (directive != "resolve") {
      continue;
    }
    std::optional<ResolveMode> parsed = ParseMode(mode);
    if (!parsed || prefix.empty() || !extra.empty()) {
      if (warnings != nullptr) {
        warnings->push_back(std::string(kManifestPath) + ":" + std::to_string(number) +
                            ": expected 'resolve theirs|ours|none PREFIX', got '" + line + "'");
      }
      continue;
    }
    if (prefix.size() > 1 && prefix.starts_with("./")) {
      prefix.erase(0, 2);
    }
    result.rules_.push_back(ResolveRule{*parsed, prefix});
  }
  return result;
}

ConflictRules ConflictRules::FromTree(git_repository* repo, git_tree* tree) {
  git_tree_entry* entry = nullptr;
  if (tree == nullptr ||
      git_tree_entry_bypath(&entry, tree, std::string(kManifestPath).c_str()) != 0) {
    git_error_clear();
    return ConflictRules{};
  }
  git_blob* raw_blob = nullptr;
  int rc = git_blob_lookup(&raw_blob, repo, git_tree_entry_id(entry));
  git_tree_entry_free(entry);
  if (rc != 0) {
    git_error_clear();
    return ConflictRules{};
  }
  BlobPtr blob(raw_blob);
  std::string_view text(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                        static_cast<size_t>(git_blob_rawsize(blob.get())));
  return Parse(text);
}

ConflictRules ConflictRules::WithDefaults(const std::vector<ResolveRule>& defaults) const {
  ConflictRules result;
  result.rules_ = defaults;
  result.rules_.insert(result.rules_.end(), rules_.begin(), rules_.end());
  return result;
}

std::optional<ResolveMode> ConflictRules::ModeFor(std::string_view path) const {
  const ResolveRule* best = nullptr;
  size_t best_length = 0;
  for (const ResolveRule& rule : rules_) {
    size_t length = rule.prefix == "/" ? 0 : rule.prefix.size();
    if (Covers(rule.prefix, path) && (best == nullptr || length >= best_length)) {
      best = &rule;
      best_length = length;
    }
  }
  if (best == nullptr) {
    return std::nullopt;
  }
  return best->mode;
}

}  // namespace oxd::git
