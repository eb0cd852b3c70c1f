// Conflict rules from `.oxd/sync.manifest` (format in plugins/sync/README.md):
//
//   resolve theirs data/github/     # take the upstream side
//   resolve ours   notes/mine/      # keep the local commit's side
//   resolve none   data/github/private/
//
// The longest matching prefix wins; a path no rule covers, or covered by `none`, is not resolved.
// `auto` is accepted as a synonym of `theirs` (the Go daemon's name). Other directives in the
// manifest belong to other readers and are ignored here.
#pragma once

#include <git2.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace oxd::git {

enum class ResolveMode { kTheirs, kOurs, kNone };

struct ResolveRule {
  ResolveMode mode;
  std::string prefix;  // "/" covers every path
};

class ConflictRules {
 public:
  inline static constexpr std::string_view kManifestPath = ".oxd/sync.manifest";

  // Malformed `resolve` lines are skipped and described in `warnings` (when given).
  static ConflictRules Parse(std::string_view text, std::vector<std::string>* warnings = nullptr);

  // The manifest as committed in `tree` (no rules when the file is absent).
  static ConflictRules FromTree(git_repository* repo, git_tree* tree);

  // The mode of the most specific rule covering `path`, or nullopt when none does.
  std::optional<ResolveMode> ModeFor(std::string_view path) const;

  // These rules with `defaults` added beneath them: a default applies only where no rule of
  // the same prefix exists (ModeFor prefers the later of two rules of one length).
  ConflictRules WithDefaults(const std::vector<ResolveRule>& defaults) const;

  const std::vector<ResolveRule>& rules() const { return rules_; }

 private:
  std::vector<ResolveRule> rules_;
};

}  // namespace oxd::git
