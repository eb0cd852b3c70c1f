#include "writes/WritePaths.h"

#include <oxd/client_path.h>

#include "RollingFile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "RepoPath.h"

namespace oxd::sync {

namespace fs = std::filesystem;

namespace {

bool HasDotDot(const fs::path& path) {
  for (const fs::path& part : path) {
    if (part == "..") return true;
  }
  return false;
}

// NUL or control characters: refused before any other look (sdk/include/oxd/client_path.h).
void CheckText(const char* field, const std::string& path) {
  if (std::string problem = sdk::clientPathTextProblem(path); !problem.empty()) {
    throw RefusedWrite(std::string(field) + " " + problem);
  }
}

fs::path Canonical(const fs::path& path) {
  std::error_code error;
  fs::path resolved = fs::canonical(path, error);
  if (error) throw RefusedWrite("cannot resolve " + path.string() + ": " + error.message());
  return resolved;
}

}  // namespace

WriteTarget ResolveInRepo(const Repo& repo, const std::string& relative) {
  CheckText("path", relative);
  fs::path rel(relative);
  if (relative.empty() || rel.is_absolute() || HasDotDot(rel)) {
    throw RefusedWrite("path must be relative without '..': '" + relative + "'");
  }
  fs::path root = Canonical(repo.path);
  RepoPathPolicy policy{{root}, {root / ".git"}};
  fs::path resolved;
  try {
    resolved = ValidateRepoPath((root / rel).lexically_normal().string(), policy);
  } catch (const InvalidRepoPath&) {
    throw RefusedWrite("'" + relative + "' escapes " + root.string() +
                       " (a symlink points outside, or it is inside .git)");
  }
  return WriteTarget{repo, resolved, resolved.lexically_relative(root).generic_string()};
}

WriteTarget ResolveWriteTarget(const RepoSet& repos, const std::string& target_dir,
                               const std::string& rel_path) {
  fs::path target(target_dir);
  if (target_dir.empty() || !target.is_absolute() || HasDotDot(target)) {
    throw RefusedWrite("target_dir must be absolute without '..': '" + target_dir + "'");
  }
  fs::path rel(rel_path);
  if (rel_path.empty() || rel.is_absolute() || HasDotDot(rel)) {
    throw RefusedWrite("rel_path must be relative without '..': '" + rel_path + "'");
  }
  // The existing part resolved (symlinks included), the rest appended: without `..` a missing
  // tail cannot leave the directory its existing prefix resolves to.
  std::error_code unresolvable;
  fs::path resolved_target = fs::weakly_canonical(target, unresolvable);
  if (unresolvable) {
    throw RefusedWrite("cannot resolve " + target_dir + ": " + unresolvable.message());
  }
  for (const Repo& repo : repos.repos()) {
    std::error_code error;
    fs::path root = fs::canonical(repo.path, error);
    if (error || !IsAtOrBelow(resolved_target, root)) continue;
    return ResolveInRepo(repo, (resolved_target / rel).lexically_relative(root).string());
  }
  throw RefusedWrite("target_dir " + target_dir + " is not inside the ledger or a team context");
}

void CheckSessionName(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 200 && name.front() != '.';
  for (char c : name) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '.' || c == '_' || c == '-';
    ok = ok && allowed;
  }
  if (!ok) throw RefusedWrite("invalid session name '" + name + "'");
}

fs::path CheckSessionFile(const std::string& path) {
  CheckText("session_file", path);
  fs::path file(path);
  if (path.empty() || !file.is_absolute() || HasDotDot(file) || !file.has_filename()) {
    throw RefusedWrite("session_file must be an absolute path without '..': '" + path + "'");
  }
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) {
    throw RefusedWrite("session_file " + path + ": " + std::generic_category().message(errno));
  }
  if (!S_ISREG(info.st_mode)) throw RefusedWrite("session_file " + path + " is not a regular file");
  if (info.st_uid != ::geteuid()) {
    throw RefusedWrite("session_file " + path + " is not owned by this user");
  }
  return Canonical(file.parent_path()) / file.filename();
}

void WriteFileAtomically(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  ReplaceFileAtomically(path, bytes);
}

}  // namespace oxd::sync
