#include "oxctl/Views.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <set>
#include <vector>

#include "common/DaemonRegistry.h"
#include "oxctl/Output.h"

namespace oxd::cli {
namespace {

std::string text(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::int64_t number(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

std::size_t characters(std::string_view value) {
  return static_cast<std::size_t>(std::count_if(value.begin(), value.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string pad(const std::string& value, std::size_t width) {
  std::size_t length = characters(value);
  return length >= width ? value : value + std::string(width - length, ' ');
}

std::string padLeft(const std::string& value, std::size_t width) {
  return value.size() >= width ? value : std::string(width - value.size(), ' ') + value;
}

// Rows of cells as aligned columns (two spaces apart); the last column is not padded.
std::string table(const std::vector<std::vector<std::string>>& rows,
                  const std::set<std::size_t>& right_aligned = {}) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (std::size_t i = 0; i < row.size(); ++i)
      widths[i] = std::max(widths[i], characters(row[i]));
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i > 0) line += "  ";
      if (right_aligned.count(i)) {
        line += padLeft(row[i], widths[i]);
      } else {
        line += i + 1 == row.size() ? row[i] : pad(row[i], widths[i]);
      }
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    if (!out.empty()) out += '\n';
    out += line;
  }
  return out;
}

TimePoint timeOf(const nlohmann::json& object, const char* key) {
  auto parsed = registry::DaemonRegistry::parseTime(text(object, key));
  return parsed.value_or(TimePoint{});
}

// The scalar facts of a doctor check, "key=value, …", leaving out the verdict fields.
std::string checkDetails(const nlohmann::json& check) {
  std::string details;
  for (const auto& [key, value] : check.items()) {
    if (key == "ok" || key == "error" || key == "errors" || value.is_structured()) continue;
    if (!details.empty()) details += ", ";
    details += key + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
  }
  return details;
}

void addCheck(DoctorView& view, const std::string& name, const nlohmann::json& check) {
  auto line = [&](bool ok, const std::string& detail) {
    if (!view.text.empty()) view.text += '\n';
    view.text += std::string(ok ? "✓ " : "✗ ") + name + (detail.empty() ? "" : ": " + detail);
    if (!ok) view.failed = true;
  };
  if (!check.is_object()) {
    line(true, check.dump());
    return;
  }
  bool failed = false;
  if (std::string error = text(check, "error"); !error.empty()) {
    line(false, error);
    failed = true;
  }
  if (auto errors = check.find("errors"); errors != check.end() && errors->is_array()) {
    for (const auto& error : *errors) {
      line(false, error.is_string() ? error.get<std::string>() : error.dump());
      failed = true;
    }
  }
  if (auto ok = check.find("ok"); !failed && ok != check.end() && ok->is_boolean() && !*ok) {
    std::string details = checkDetails(check);
    line(false, details.empty() ? "check failed" : details);
    failed = true;
  }
  if (!failed) line(true, checkDetails(check));
}

}  // namespace

std::string ago(const std::string& rfc3339, TimePoint now) {
  auto then = registry::DaemonRegistry::parseTime(rfc3339);
  if (!then || *then == TimePoint{}) return "-";
  auto elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(now - *then).count();
  return compactDuration(std::max<std::int64_t>(elapsed, 0)) + " ago";
}

std::string compactCount(std::int64_t count) {
  char out[32];
  if (count < 1000) return std::to_string(count);
  if (count < 1'000'000) {
    std::snprintf(out, sizeof out, "%.1fk", static_cast<double>(count) / 1e3);
  } else if (count < 1'000'000'000) {
    std::snprintf(out, sizeof out, "%.1fM", static_cast<double>(count) / 1e6);
  } else {
    std::snprintf(out, sizeof out, "%.1fG", static_cast<double>(count) / 1e9);
  }
  return out;
}

DoctorView doctorView(const nlohmann::json& doctor) {
  DoctorView view;
  if (!doctor.is_object()) {
    addCheck(view, "doctor", doctor);
    return view;
  }
  auto plugins = doctor.find("plugins");
  if (plugins == doctor.end() || !plugins->is_object()) {
    addCheck(view, "doctor", doctor);
    return view;
  }
  for (const auto& [name, check] : plugins->items()) addCheck(view, name, check);
  if (view.text.empty()) view.text = "no plugin reports a doctor check";
  return view;
}

std::string errorsView(const nlohmann::json& errors, TimePoint now) {
  if (!errors.is_array() || errors.empty()) return "no unviewed errors";
  std::vector<nlohmann::json> sorted(errors.begin(), errors.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& left, const auto& right) {
    return timeOf(left, "timestamp") > timeOf(right, "timestamp");
  });
  std::vector<std::vector<std::string>> rows{{"ID", "SEVERITY", "WHEN", "MESSAGE"}};
  for (const auto& error : sorted) {
    std::string code = text(error, "code");
    rows.push_back({text(error, "id"), text(error, "severity"), ago(text(error, "timestamp"), now),
                    (code.empty() ? "" : code + ": ") + text(error, "message")});
  }
  return table(rows);
}

std::string instancesView(const nlohmann::json& data, TimePoint now) {
  const nlohmann::json* list = &data;
  if (data.is_object() && data.contains("instances")) list = &data["instances"];
  if (!list->is_array() || list->empty()) {
    return "no agent instances (an agent appears with its first heartbeat)";
  }
  std::vector<const nlohmann::json*> agents;
  std::set<std::string> ids;
  for (const auto& agent : *list) {
    if (!agent.is_object()) continue;
    agents.push_back(&agent);
    ids.insert(text(agent, "agent_id"));
  }
  std::stable_sort(agents.begin(), agents.end(), [](const auto* left, const auto* right) {
    return timeOf(*left, "last_heartbeat") > timeOf(*right, "last_heartbeat");
  });
  std::map<std::string, std::vector<const nlohmann::json*>> children;
  std::vector<const nlohmann::json*> roots;
  for (const auto* agent : agents) {
    std::string parent = text(*agent, "parent_agent_id");
    if (parent.empty() || !ids.count(parent) || parent == text(*agent, "agent_id")) {
      roots.push_back(agent);
    } else {
      children[parent].push_back(agent);
    }
  }

  std::vector<std::vector<std::string>> rows{
      {"AGENT", "STATUS", "TYPE", "LAST HEARTBEAT", "TOKENS"}};
  std::set<std::string> shown;
  std::function<void(const nlohmann::json&, const std::string&, const std::string&)> add =
      [&](const nlohmann::json& agent, const std::string& branch, const std::string& indent) {
        std::string id = text(agent, "agent_id");
        if (!shown.insert(id).second) return;  // a parent cycle: each agent once
        std::string type = text(agent, "agent_type");
        std::int64_t tokens = number(agent, "cumulative_context_tokens");
        std::int64_t commands = number(agent, "command_count");
        std::string usage = tokens > 0 ? compactCount(tokens) : "-";
        if (commands > 0) {
          usage += " in " + std::to_string(commands) + (commands == 1 ? " command" : " commands");
        }
        rows.push_back({branch + id, text(agent, "status"), type.empty() ? "-" : type,
                        ago(text(agent, "last_heartbeat"), now), usage});
        const auto& kids = children[id];
        for (std::size_t i = 0; i < kids.size(); ++i) {
          bool last = i + 1 == kids.size();
          add(*kids[i], indent + (last ? "└── " : "├── "), indent + (last ? "    " : "│   "));
        }
      };
  for (const auto* root : roots) add(*root, "", "");
  // Agents only reachable through a parent cycle have no root: show them at the top level.
  for (const auto* agent : agents) add(*agent, "", "");
  return table(rows);
}

std::string pluginsView(const nlohmann::json& data) {
  const nlohmann::json* list = &data;
  if (data.is_object() && data.contains("plugins")) list = &data["plugins"];
  if (!list->is_array() || list->empty()) return "no plugins found in the daemon's plugin_dir";
  std::vector<std::vector<std::string>> rows{
      {"NAME", "VERSION", "STATE", "CALLS", "ERRORS", "TASKS", "EVENTS", "DROPS"}};
  std::vector<std::string> last_errors;
  for (const auto& plugin : *list) {
    if (!plugin.is_object()) continue;
    nlohmann::json counters = plugin.value("counters", nlohmann::json::object());
    auto count = [&](const char* key) { return std::to_string(number(counters, key)); };
    std::string version = text(plugin, "version");
    rows.push_back({text(plugin, "name"), version.empty() ? "-" : version, text(plugin, "state"),
                    count("calls"), count("errors"), count("task_runs"), count("events"),
                    count("drops")});
    if (std::string error = text(plugin, "last_error"); !error.empty()) {
      last_errors.push_back(text(plugin, "name") + ": " + error);
    }
  }
  std::string out = table(rows, {3, 4, 5, 6, 7});
  if (!last_errors.empty()) {
    out += "\n\nlast errors:";
    for (const auto& error : last_errors) out += "\n  " + error;
  }
  return out;
}

}  // namespace oxd::cli
