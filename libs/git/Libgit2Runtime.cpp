#include "git/Libgit2Runtime.h"

#include <git2.h>

#include <mutex>

#include "git/DeadlineStream.h"
#include "git/GitError.h"

namespace oxd::git {

void EnsureLibgit2() {
  static std::once_flag once;
  std::call_once(once, [] { ThrowIfFailed(git_libgit2_init(), "libgit2 init"); });
}

void EnsureNetworkDeadlines() {
  EnsureLibgit2();
  static std::once_flag once;
  std::call_once(once, [] { RegisterDeadlineStream(); });
}

}  // namespace oxd::git
