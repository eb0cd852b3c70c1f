// Owning handles for the libgit2 objects the indexer uses. The pattern and most aliases come
// from the sync plugin's header (header only: including it links nothing of the sync plugin);
// the objects only the indexer walks get their aliases here.
#pragma once

#include <git2.h>

#include <string>
#include <string_view>

#include "../../sync/git/Handles.h"

namespace oxd::codedb {

using oxd::sync::git::BlobPtr;
using oxd::sync::git::CommitPtr;
using oxd::sync::git::DiffPtr;
using oxd::sync::git::GitHandle;
using oxd::sync::git::ReferencePtr;
using oxd::sync::git::RepositoryPtr;
using oxd::sync::git::TreePtr;
using RevwalkPtr = GitHandle<git_revwalk, git_revwalk_free>;
using OdbPtr = GitHandle<git_odb, git_odb_free>;

// libgit2's global state for the lifetime of the object (git_libgit2_init is reference
// counted, so nesting is fine).
class GitLibrary {
 public:
  GitLibrary() { git_libgit2_init(); }
  ~GitLibrary() { git_libgit2_shutdown(); }
  GitLibrary(const GitLibrary&) = delete;
  GitLibrary& operator=(const GitLibrary&) = delete;
};

// The last libgit2 error as text, prefixed by what was being done.
std::string GitErrorText(std::string_view doing);

}  // namespace oxd::codedb
