// Owning handles for libgit2 objects: each frees its object with the matching git_*_free.
// A handle is used by one thread at a time, as libgit2 requires for the objects it wraps.
#pragma once

#include <git2.h>

#include <memory>

namespace oxd::git {

template <typename T, void (*Free)(T*)>
struct GitFree {
  void operator()(T* object) const {
    if (object != nullptr) {
      Free(object);
    }
  }
};

template <typename T, void (*Free)(T*)>
using GitHandle = std::unique_ptr<T, GitFree<T, Free>>;

using RepositoryPtr = GitHandle<git_repository, git_repository_free>;
using RemotePtr = GitHandle<git_remote, git_remote_free>;
using ReferencePtr = GitHandle<git_reference, git_reference_free>;
using ObjectPtr = GitHandle<git_object, git_object_free>;
using CommitPtr = GitHandle<git_commit, git_commit_free>;
using TreePtr = GitHandle<git_tree, git_tree_free>;
using IndexPtr = GitHandle<git_index, git_index_free>;
using AnnotatedCommitPtr = GitHandle<git_annotated_commit, git_annotated_commit_free>;
using RebasePtr = GitHandle<git_rebase, git_rebase_free>;
using SignaturePtr = GitHandle<git_signature, git_signature_free>;
using DiffPtr = GitHandle<git_diff, git_diff_free>;
using BlobPtr = GitHandle<git_blob, git_blob_free>;
using ConflictIteratorPtr =
    GitHandle<git_index_conflict_iterator, git_index_conflict_iterator_free>;
using RevwalkPtr = GitHandle<git_revwalk, git_revwalk_free>;
using OdbPtr = GitHandle<git_odb, git_odb_free>;

}  // namespace oxd::git
