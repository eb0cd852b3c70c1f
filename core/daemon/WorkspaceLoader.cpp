#include "daemon/WorkspaceLoader.h"

#include "common/Paths.h"
#include "common/ProjectFile.h"

#include <oxd/duration.h>

#include <Poco/JSON/Parser.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace oxd::core {
namespace fs = std::filesystem;

namespace {

std::string optionalString(const Poco::JSON::Object::Ptr& object, const std::string& key,
                           const std::string& where) {
  if (!object || !object->has(key) || object->isNull(key)) return "";
  const auto& value = object->get(key);
  if (!value.isString()) throw std::runtime_error(where + ": " + key + " must be a string");
  return value.extract<std::string>();
}

// "10m", "1h30m" (Go duration syntax, as in config); absent: 0.
std::chrono::milliseconds optionalInterval(const Poco::JSON::Object::Ptr& object,
                                           const std::string& where) {
  std::string text = optionalString(object, "interval", where);
  if (text.empty()) return std::chrono::milliseconds(0);
  auto duration = sdk::parseDuration(text);
  if (!duration || duration->count() <= 0) {
    throw std::runtime_error(
        where + ": interval must be a positive duration such as \"10m\", got \"" + text + "\"");
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(*duration);
}

// A positive whole number of days; absent: 0.
int optionalDays(const Poco::JSON::Object::Ptr& object, const std::string& key,
                 const std::string& where) {
  if (!object->has(key) || object->isNull(key)) return 0;
  const auto& value = object->get(key);
  if (!value.isInteger() || value.convert<long long>() <= 0 || value.convert<long long>() > 3650) {
    throw std::runtime_error(where + ": " + key + " must be a whole number of days from 1 to 3650");
  }
  return value.convert<int>();
}

Poco::JSON::Object::Ptr optionalObject(const Poco::JSON::Object::Ptr& object,
                                       const std::string& key, const std::string& where) {
  if (!object->has(key) || object->isNull(key)) return nullptr;
  auto child = object->getObject(key);
  if (!child) throw std::runtime_error(where + ": " + key + " must be an object");
  return child;
}

fs::path resolvePath(const std::string& text, const fs::path& root, const fs::path& fallback) {
  if (text.empty()) return fallback;
  fs::path path(text);
  return (path.is_absolute() ? path : root / path).lexically_normal();
}

Poco::JSON::Object::Ptr readProjectFile(const fs::path& file) {
  std::ifstream input(file);
  if (!input) return new Poco::JSON::Object;
  std::stringstream text;
  text << input.rdbuf();
  try {
    auto object = Poco::JSON::Parser().parse(text.str()).extract<Poco::JSON::Object::Ptr>();
    if (!object) throw std::runtime_error("not an object");
    return object;
  } catch (const std::exception&) {
    throw std::runtime_error(file.string() + ": not a valid JSON object");
  }
}

}  // namespace

std::string sanitizeTeamId(const std::string& team_id) {
  std::string out;
  for (std::size_t i = 0; i < team_id.size(); ++i) {
    char c = team_id[i];
    if (c == '.' && i + 1 < team_id.size() && team_id[i + 1] == '.') {
      out += '_';
      ++i;
    } else if (std::string_view("/\\:*?\"<>| ").find(c) != std::string_view::npos || c < 0x20) {
      out += '_';
    } else {
      out += c;
    }
  }
  auto first = out.find_first_not_of("_.");
  if (first == std::string::npos) return "unknown";
  return out.substr(first, out.find_last_not_of("_.") - first + 1);
}

std::string loadProjectTeamId(const fs::path& project_root) {
  fs::path file = project_root / ".oxd" / "project.json";
  try {
    return optionalString(readProjectFile(file), "team_id", file.string());
  } catch (const std::exception&) {
    return {};
  }
}

sdk::Workspace loadWorkspace(const fs::path& project_root) {
  sdk::Workspace workspace;
  workspace.project_root = project_root;
  fs::path file = project_root / ".oxd" / "project.json";
  std::string where = file.string();
  auto project = readProjectFile(file);
  workspace.repo_id = optionalString(project, "repo_id", where);
  optionalString(project, "team_id", where);  // checked now: `status` reads it later
  workspace.workspace_id = project::workspaceId(project_root, workspace.repo_id);
  workspace.data_dir = paths::dataDir();
  workspace.workspace_data_dir = paths::workspaceDataDir(workspace.workspace_id);
  workspace.cache_dir = paths::cacheDir() / workspace.workspace_id;
  workspace.config_dir = paths::configDir();
  workspace.state_dir = paths::stateDir();
  workspace.runtime_dir = paths::runtimeDir();

  auto ledger = optionalObject(project, "ledger", where);
  workspace.ledger_url = optionalString(ledger, "url", where + " ledger");
  workspace.ledger_path =
      resolvePath(optionalString(ledger, "path", where + " ledger"), project_root,
                  workspace.data_dir / "ledgers" / workspace.workspace_id);

  if (project->has("team_contexts") && !project->isNull("team_contexts")) {
    auto teams = project->getArray("team_contexts");
    if (!teams) throw std::runtime_error(where + ": team_contexts must be a list");
    for (std::size_t i = 0; i < teams->size(); ++i) {
      std::string item_where = where + " team_contexts[" + std::to_string(i) + "]";
      auto team = teams->getObject(static_cast<unsigned>(i));
      if (!team) throw std::runtime_error(item_where + " must be an object");
      sdk::TeamContext context;
      context.id = optionalString(team, "id", item_where);
      if (context.id.empty()) throw std::runtime_error(item_where + ": id is required");
      context.name = optionalString(team, "name", item_where);
      context.slug = optionalString(team, "slug", item_where);
      context.url = optionalString(team, "url", item_where);
      context.path = resolvePath(optionalString(team, "path", item_where), project_root,
                                 workspace.data_dir / "teams" / sanitizeTeamId(context.id));
      context.interval = optionalInterval(team, item_where);
      context.gc_interval_days = optionalDays(team, "gc_interval_days", item_where);
      workspace.team_contexts.push_back(std::move(context));
    }
  }
  auto github = optionalObject(project, "github", where);
  workspace.github_owner = optionalString(github, "owner", where + " github");
  workspace.github_repo = optionalString(github, "repo", where + " github");
  return workspace;
}

}  // namespace oxd::core
