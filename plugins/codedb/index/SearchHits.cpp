#include "index/SearchHits.h"

#include <algorithm>

namespace oxd::codedb {
namespace {

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Like SQLite's NOCASE, which pre-selects the index's symbol rows.
bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return LowerAscii(x) == LowerAscii(y);
         });
}

}  // namespace

SearchHit TextHit(const std::string& path, Language language, const LineMatch& match) {
  SearchHit hit;
  hit.path = path;
  hit.line = match.line;
  hit.column = match.column;
  hit.snippet = SnippetOf(match.text, match.column);
  hit.kind = "text";
  hit.language = std::string(LanguageName(language));
  return hit;
}

SymbolQuery SymbolQuery::Parse(const SearchQuery& query) {
  SymbolQuery parsed;
  parsed.ignore_case = query.ignore_case;
  parsed.name = query.query;
  if (std::size_t colons = parsed.name.rfind("::");
      colons != std::string_view::npos && colons > 0) {
    parsed.container = parsed.name.substr(0, colons);
    parsed.name = parsed.name.substr(colons + 2);
  } else if (std::size_t dot = parsed.name.rfind('.'); dot != std::string_view::npos && dot > 0) {
    parsed.container = parsed.name.substr(0, dot);
    parsed.name = parsed.name.substr(dot + 1);
  }
  return parsed;
}

bool SymbolQuery::Matches(std::string_view found_name, std::string_view found_container) const {
  bool name_ok = ignore_case ? EqualsIgnoringAsciiCase(found_name, name) : found_name == name;
  bool container_ok =
      container.empty() || (ignore_case ? EqualsIgnoringAsciiCase(found_container, container)
                                        : found_container == container);
  return name_ok && container_ok;
}

std::string_view LineOf(std::string_view text, std::uint32_t line) {
  std::size_t start = 0;
  for (std::uint32_t i = 1; i < line && start != std::string_view::npos; ++i) {
    start = text.find('\n', start);
    start = start == std::string_view::npos ? start : start + 1;
  }
  if (start == std::string_view::npos || start > text.size()) {
    return {};
  }
  std::string_view rest = text.substr(start);
  rest = rest.substr(0, rest.find('\n'));
  return rest.ends_with('\r') ? rest.substr(0, rest.size() - 1) : rest;
}

void FillSymbolPosition(std::string_view text, SearchHit& hit) {
  std::string_view line = LineOf(text, hit.line);
  std::size_t at = line.find(hit.symbol);
  hit.column = at == std::string_view::npos ? 0 : static_cast<std::uint32_t>(at + 1);
  hit.snippet = SnippetOf(line, hit.column);
}

std::string CommentSnippet(std::string_view comment_text) {
  return SnippetOf(comment_text.substr(0, comment_text.find('\n')), 1);
}

}  // namespace oxd::codedb
