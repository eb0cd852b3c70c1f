// The libgit2 handles the indexer uses, from the shared git library (libs/git): owning handles
// and the start-up policy (git/Libgit2Runtime.h: EnsureLibgit2() before the first libgit2 call,
// never a shutdown).
#pragma once

#include <git2.h>

#include <string>
#include <string_view>

#include "git/Handles.h"
#include "git/Libgit2Runtime.h"

namespace oxd::codedb {

using oxd::git::BlobPtr;
using oxd::git::CommitPtr;
using oxd::git::DiffPtr;
using oxd::git::GitHandle;
using oxd::git::IndexPtr;
using oxd::git::OdbPtr;
using oxd::git::ReferencePtr;
using oxd::git::RepositoryPtr;
using oxd::git::RevwalkPtr;
using oxd::git::TreePtr;

// The last libgit2 error as text, prefixed by what was being done.
std::string GitErrorText(std::string_view doing);

}  // namespace oxd::codedb
