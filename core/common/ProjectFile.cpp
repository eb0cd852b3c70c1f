#include "common/ProjectFile.h"

#include <nettle/sha2.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <stdexcept>
#include <system_error>

namespace oxd::project {
namespace fs = std::filesystem;

namespace {
fs::path realPath(const fs::path& path) {
  std::error_code error;
  fs::path real = fs::canonical(path, error);
  return error ? fs::absolute(path).lexically_normal() : real;
}
}  // namespace

fs::path findRoot(const fs::path& start) {
  fs::path origin = realPath(start);
  std::error_code error;
  for (fs::path dir = origin;; dir = dir.parent_path()) {
    if (fs::is_directory(dir / ".oxd", error) || fs::exists(dir / ".git", error)) return dir;
    if (dir == dir.root_path() || dir.parent_path() == dir) break;
  }
  return origin;
}

std::string readRepoId(const fs::path& root) {
  fs::path file = root / ".oxd" / "project.json";
  std::ifstream input(file);
  if (!input) return "";
  nlohmann::json document = nlohmann::json::parse(input, nullptr, false);
  if (document.is_discarded() || !document.is_object()) {
    throw std::runtime_error(file.string() + ": not a valid JSON object");
  }
  auto it = document.find("repo_id");
  if (it == document.end() || it->is_null()) return "";
  if (!it->is_string()) throw std::runtime_error(file.string() + ": repo_id must be a string");
  return it->get<std::string>();
}

std::string sha256Hex(const std::string& bytes) {
  sha256_ctx context;
  sha256_init(&context);
  sha256_update(&context, bytes.size(), reinterpret_cast<const uint8_t*>(bytes.data()));
  uint8_t digest[SHA256_DIGEST_SIZE];
  sha256_digest(&context, sizeof digest, digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * sizeof digest);
  for (uint8_t byte : digest) {
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 15]);
  }
  return out;
}

std::string workspaceId(const fs::path& root, const std::string& repo_id) {
  return sha256Hex(repo_id.empty() ? realPath(root).string() : repo_id).substr(0, 8);
}

}  // namespace oxd::project
