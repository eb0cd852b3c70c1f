#pragma once
// Edits of the user config file ($XDG_CONFIG_HOME/oxd/oxd.ini) that keep every other byte of
// it: comments, order, spacing and line endings are the user's. The ini dialect is the one
// the daemon reads (Poco IniFileConfiguration): "[section]" headers, "key = value" lines, ';'
// comments (a '#' line is a key to Poco, so it is one here too), keys compared without case;
// a later value overrides an earlier one.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace oxd::cli {

// The value the daemon would read for [section] key from this text (the last one given).
std::optional<std::string> iniValue(std::string_view text, std::string_view section,
                                    std::string_view key);

// `text` with [section] key set to `value`: every existing "key = …" line of the section gets
// the new value (so no earlier or later copy disagrees); else the line is added under the
// section's header; else "[section]" and the line are appended. Nothing else changes.
std::string withIniValue(std::string_view text, std::string_view section, std::string_view key,
                         std::string_view value);

std::filesystem::path userConfigPath();

// Reads the user config (missing = empty), sets the value and writes it back atomically,
// through a symlink to its target and with the file's mode (0600 for a new file). Returns the
// path written. Throws CommandError naming the file.
std::filesystem::path setUserConfigValue(std::string_view section, std::string_view key,
                                         std::string_view value);

}  // namespace oxd::cli
