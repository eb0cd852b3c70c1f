#include "git/Libgit2Runtime.h"

#include <git2.h>

#include <mutex>

#include "git/DeadlineStream.h"
#include "git/GitError.h"

namespace oxd::sync::git {

void EnsureLibgit2() {
  static std::once_flag once;
  std::call_once(once, [] {
    int rc = git_libgit2_init();
    ThrowIfFailed(rc, "libgit2 init");
    RegisterDeadlineStream();
  });
}

}  // namespace oxd::sync::git
