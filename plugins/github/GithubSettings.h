// The github plugin's configuration: the [github] keys (kGithubKeys is the descriptor's table)
// and the environment GitHub's own tools read (GITHUB_API_URL, GITHUB_TOKEN, GH_TOKEN, gh's
// hosts.yml), resolved into GithubConfig. README.md lists every source and which wins.
#pragma once

#include <oxd/descriptor.h>

#include <Poco/Util/AbstractConfiguration.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace oxd::github {

inline constexpr sdk::ConfigKey kGithubKeys[] = {
    {.name = "api_url",
     .help = "GitHub REST API base URL: https://api.github.com, or https://HOST/api/v3 for "
             "GitHub Enterprise Server (default: GITHUB_API_URL, else https://api.github.com)"},
    {.name = "token",
     .help = "API token (default: GITHUB_TOKEN, GH_TOKEN, then gh's hosts.yml for the API's "
             "host); never logged"},
    {.name = "interval",
     .kind = sdk::ConfigKind::Duration,
     .default_value = "15m",
     .min = "0s",
     .max = "24h",
     .help = "how often pull requests and issues are mirrored into the ledger (0: only on "
             "`oxctl github sync`)"},
    {.name = "lookback",
     .kind = sdk::ConfigKind::Duration,
     .default_value = "720h",
     .min = "1h",
     .max = "87600h",
     .help = "how far back the first sync of a repository reaches (by last update)"},
    {.name = "request_timeout",
     .kind = sdk::ConfigKind::Duration,
     .default_value = "30s",
     .min = "1s",
     .max = "10m",
     .help = "deadline of one API request (connect, send, answer)"},
    {.name = "release_repo",
     .help = "owner/repo whose latest GitHub release is compared with the daemon's version "
             "every 30 minutes (empty: no release check)"},
};

// Reads one environment variable; nullopt when unset. Tests pass a map.
using Environment = std::function<std::optional<std::string>(const std::string& name)>;
Environment ProcessEnvironment();

struct GithubConfig {
  std::string api_url = "https://api.github.com";  // no trailing '/'
  std::string config_token;                        // [github] token; "" when unset
  std::chrono::milliseconds interval{std::chrono::minutes(15)};
  std::chrono::milliseconds lookback{std::chrono::hours(720)};
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};
  std::string release_repo;
};

// Throws std::invalid_argument "github.<key>: …" for a value the descriptor cannot check
// (an api_url that is not http(s)://, a release_repo that is not owner/repo).
GithubConfig ResolveGithubConfig(const Poco::Util::AbstractConfiguration& config,
                                 const Environment& environment);

// The web host of an API base URL, where the repositories' remotes live: api.github.com →
// github.com, https://HOST/api/v3 → HOST. Lower case, without port.
std::string WebHostOf(const std::string& api_url);

struct Token {
  std::string value;  // "" when none was found
  std::string source;  // "config", "GITHUB_TOKEN", "GH_TOKEN", "gh hosts.yml", "" — never the value
};

// [github] token, GITHUB_TOKEN, GH_TOKEN, then `oauth_token` of `host` in gh's hosts.yml
// (GH_CONFIG_DIR, else XDG_CONFIG_HOME/gh, else HOME/.config/gh). Read anew on every call, so a
// token fixed in any of them is taken without a restart.
Token FindToken(const GithubConfig& config, const Environment& environment,
                const std::string& host);

// `oauth_token` of `host` in the text of gh's hosts.yml (a small YAML subset: gh writes it so).
std::optional<std::string> HostsYmlToken(const std::string& text, const std::string& host);

}  // namespace oxd::github
