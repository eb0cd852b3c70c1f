// How a matched line, symbol or comment becomes a SearchHit, shared by the index's searches and
// the dirty overlay's (overlay/OverlaySnapshot.h) so both report identical fields. Pure
// functions, safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "extract/Language.h"
#include "index/LineMatcher.h"
#include "index/Search.h"

namespace oxd::codedb {

// A text hit: line, column, snippet around the match, kind "text", the language's name.
SearchHit TextHit(const std::string& path, Language language, const LineMatch& match);

// A symbol query: "name", or "Container::name" / "Container.name" (the container is then
// required too). Views into the query text.
struct SymbolQuery {
  std::string_view name;
  std::string_view container;  // empty: any
  bool ignore_case = false;

  static SymbolQuery Parse(const SearchQuery& query);
  bool Matches(std::string_view found_name, std::string_view found_container) const;
};

// Line `line` (1-based) of `text`, without '\n' or a trailing '\r'; empty past the end.
std::string_view LineOf(std::string_view text, std::uint32_t line);

// Sets the column of `hit.symbol` in its line of `text` (0 when not found) and the snippet.
void FillSymbolPosition(std::string_view text, SearchHit& hit);

// A comment hit's snippet: its first line.
std::string CommentSnippet(std::string_view comment_text);

}  // namespace oxd::codedb
