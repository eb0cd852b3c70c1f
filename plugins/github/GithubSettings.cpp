#include "GithubSettings.h"

#include <oxd/settings.h>

#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace oxd::github {

namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string Trim(const std::string& text) {
  std::size_t start = text.find_first_not_of(" \t\r");
  if (start == std::string::npos) return "";
  std::size_t end = text.find_last_not_of(" \t\r");
  return text.substr(start, end - start + 1);
}

std::string Unquote(std::string text) {
  if (text.size() >= 2 && (text.front() == '"' || text.front() == '\'') &&
      text.back() == text.front()) {
    return text.substr(1, text.size() - 2);
  }
  return text;
}

std::size_t Indent(const std::string& line) {
  std::size_t count = 0;
  while (count < line.size() && line[count] == ' ') ++count;
  return count;
}

}  // namespace

Environment ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  };
}

GithubConfig ResolveGithubConfig(const Poco::Util::AbstractConfiguration& config,
                                 const Environment& environment) {
  sdk::Settings settings(config, "github", kGithubKeys);
  GithubConfig resolved;
  std::string api_url = settings.text("api_url");
  if (api_url.empty()) api_url = environment("GITHUB_API_URL").value_or("");
  if (!api_url.empty()) {
    Poco::URI uri;
    try {
      uri = Poco::URI(api_url);
    } catch (const std::exception&) {
      throw settings.invalid("api_url", "not a URL: '" + api_url + "'");
    }
    if ((uri.getScheme() != "https" && uri.getScheme() != "http") || uri.getHost().empty()) {
      throw settings.invalid("api_url", "expected https://HOST[/api/v3], got '" + api_url + "'");
    }
    while (!api_url.empty() && api_url.back() == '/') api_url.pop_back();
    resolved.api_url = api_url;
  }
  resolved.config_token = settings.text("token");
  resolved.interval = duration_cast<milliseconds>(settings.duration("interval"));
  resolved.lookback = duration_cast<milliseconds>(settings.duration("lookback"));
  resolved.request_timeout = duration_cast<milliseconds>(settings.duration("request_timeout"));
  resolved.release_repo = Trim(settings.text("release_repo"));
  if (!resolved.release_repo.empty()) {
    std::size_t slash = resolved.release_repo.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == resolved.release_repo.size() ||
        resolved.release_repo.find('/', slash + 1) != std::string::npos) {
      throw settings.invalid("release_repo",
                             "expected owner/repo, got '" + resolved.release_repo + "'");
    }
  }
  return resolved;
}

std::string WebHostOf(const std::string& api_url) {
  std::string host;
  try {
    host = Lower(Poco::URI(api_url).getHost());
  } catch (const std::exception&) {
    return "";
  }
  if (host.starts_with("api.")) host.erase(0, 4);
  return host;
}

std::optional<std::string> HostsYmlToken(const std::string& text, const std::string& host) {
  // gh writes:   github.com:\n    oauth_token: gho_…\n    user: ana\n
  std::istringstream lines(text);
  std::string line;
  bool in_host = false;
  std::size_t host_indent = 0;
  std::string wanted = Lower(host);
  while (std::getline(lines, line)) {
    std::string trimmed = Trim(line);
    if (trimmed.empty() || trimmed.front() == '#') continue;
    std::size_t indent = Indent(line);
    if (in_host && indent <= host_indent) in_host = false;
    std::size_t colon = trimmed.find(':');
    if (colon == std::string::npos) continue;
    std::string key = Lower(Unquote(Trim(trimmed.substr(0, colon))));
    std::string value = Unquote(Trim(trimmed.substr(colon + 1)));
    if (!in_host && value.empty() && key == wanted) {
      in_host = true;
      host_indent = indent;
    } else if (in_host && key == "oauth_token" && !value.empty()) {
      return value;
    }
  }
  return std::nullopt;
}

Token FindToken(const GithubConfig& config, const Environment& environment,
                const std::string& host) {
  if (!config.config_token.empty()) return {config.config_token, "config"};
  for (const char* name : {"GITHUB_TOKEN", "GH_TOKEN"}) {
    std::string value = Trim(environment(name).value_or(""));
    if (!value.empty()) return {value, name};
  }
  std::filesystem::path dir;
  if (auto gh = environment("GH_CONFIG_DIR"); gh && !gh->empty()) {
    dir = *gh;
  } else if (auto xdg = environment("XDG_CONFIG_HOME"); xdg && !xdg->empty()) {
    dir = std::filesystem::path(*xdg) / "gh";
  } else if (auto home = environment("HOME"); home && !home->empty()) {
    dir = std::filesystem::path(*home) / ".config" / "gh";
  }
  if (!dir.empty()) {
    std::ifstream in(dir / "hosts.yml");
    if (in) {
      std::stringstream text;
      text << in.rdbuf();
      if (auto token = HostsYmlToken(text.str(), host)) return {*token, "gh hosts.yml"};
    }
  }
  return {};
}

}  // namespace oxd::github
