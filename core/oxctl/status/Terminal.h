#pragma once
// Colour for oxctl's human views (docs/behavior.md#oxctl-status, ANSI 16). Colour is decided once
// per process from the output stream and NO_COLOR (https://no-color.org: set and non-empty disables
// it); the renderers only receive the resulting flag, so golden tests choose it explicitly.

#include <unistd.h>

#include <cstdlib>
#include <string>
#include <string_view>

namespace oxd::cli::status {

// True when `fd` is a terminal and NO_COLOR is unset or empty. Pipes and files get plain text,
// so scripts that grep the output never see escape sequences.
inline bool colourWanted(int fd) {
  const char* no_colour = std::getenv("NO_COLOR");
  if (no_colour && *no_colour) return false;
  return ::isatty(fd) == 1;
}

// Wraps text in SGR sequences when enabled, returns it unchanged otherwise. Pad before you
// paint: the escapes have no width but count as bytes.
class Style {
 public:
  explicit Style(bool enabled) : enabled_(enabled) {}

  std::string green(std::string_view text) const { return paint("32", text); }
  std::string yellow(std::string_view text) const { return paint("33", text); }
  std::string red(std::string_view text) const { return paint("31", text); }
  std::string grey(std::string_view text) const { return paint("90", text); }  // colour 8
  std::string bold(std::string_view text) const { return paint("1", text); }

 private:
  std::string paint(std::string_view code, std::string_view text) const {
    if (!enabled_ || text.empty()) return std::string(text);
    return "\x1b[" + std::string(code) + "m" + std::string(text) + "\x1b[0m";
  }

  bool enabled_;
};

// Removes CSI sequences (ESC '[' … final byte); what is left is what the layout specifies.
inline std::string stripAnsi(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\x1b' && i + 1 < text.size() && text[i + 1] == '[') {
      i += 2;
      while (i < text.size() && !(text[i] >= 0x40 && text[i] <= 0x7e)) ++i;
      continue;
    }
    out.push_back(text[i]);
  }
  return out;
}

}  // namespace oxd::cli::status
