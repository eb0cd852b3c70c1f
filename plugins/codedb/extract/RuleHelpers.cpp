#include "RuleHelpers.h"

#include <algorithm>

namespace oxd::codedb {

bool IsAny(const Token& token, std::initializer_list<std::string_view> words) {
  if (token.kind == TokenKind::kLiteral) {
    return false;
  }
  return std::find(words.begin(), words.end(), token.text) != words.end();
}

std::size_t FindTop(Tokens tokens, std::string_view text, std::size_t from) {
  for (std::size_t i = from; i < tokens.size(); ++i) {
    if (tokens[i].depth == 0 && Is(tokens[i], text)) {
      return i;
    }
  }
  return kNone;
}

std::size_t SkipBalanced(Tokens tokens, std::size_t open) {
  const std::string_view opener = tokens[open].text;
  const std::uint8_t depth = tokens[open].depth;
  if (opener == "<") {
    int level = 0;
    for (std::size_t i = open; i < tokens.size(); ++i) {
      if (tokens[i].depth != depth || tokens[i].kind != TokenKind::kPunct) {
        continue;
      }
      if (tokens[i].text == "<") {
        ++level;
      } else if (tokens[i].text == ">" || tokens[i].text == ">=") {
        if (--level == 0) {
          return i + 1;
        }
      } else if (tokens[i].text == ";" || tokens[i].text == "{") {
        return i;
      }
    }
    return tokens.size();
  }
  for (std::size_t i = open + 1; i < tokens.size(); ++i) {
    if (tokens[i].depth == depth) {
      return i + 1;  // the closer is the next token back at the opener's depth
    }
  }
  return tokens.size();
}

std::size_t SkipPrefix(Tokens tokens, std::size_t at,
                       std::initializer_list<std::string_view> words) {
  while (at < tokens.size()) {
    const Token& token = tokens[at];
    if (Is(token, "template") && at + 1 < tokens.size() && Is(tokens[at + 1], "<")) {
      at = SkipBalanced(tokens, at + 1);
    } else if (Is(token, "[") && at + 1 < tokens.size() && Is(tokens[at + 1], "[")) {
      at = SkipBalanced(tokens, at);
    } else if (IsAny(token, {"__attribute__", "__declspec", "alignas"}) && at + 1 < tokens.size() &&
               Is(tokens[at + 1], "(")) {
      at = SkipBalanced(tokens, at + 1);
    } else if (IsAny(token, words)) {
      ++at;
    } else {
      break;
    }
  }
  return at;
}

std::string_view SpanOf(Tokens tokens, std::size_t first, std::size_t last) {
  const char* begin = tokens[first].text.data();
  const char* end = tokens[last].text.data() + tokens[last].text.size();
  return std::string_view(begin, static_cast<std::size_t>(end - begin));
}

bool NameBeforeParen(Tokens tokens, std::size_t open, CalledName& out) {
  if (open == 0) {
    return false;
  }
  std::size_t last = open - 1;
  std::size_t first = last;
  // operator(): the first "()" belongs to the name.
  if (Is(tokens[last], ")") && last >= 2 && Is(tokens[last - 1], "(") &&
      Is(tokens[last - 2], "operator")) {
    first = last - 2;
  } else {
    // operator==, operator bool, operator new[]: walk back to `operator` over a few tokens.
    std::size_t back = last;
    std::size_t limit = last >= 4 ? last - 4 : 0;
    while (back > limit && !Is(tokens[back], "operator") &&
           tokens[back].depth == tokens[open].depth) {
      --back;
    }
    if (Is(tokens[back], "operator") && tokens[back].depth == tokens[open].depth) {
      first = back;
    } else if (!IsIdentifier(tokens[last])) {
      return false;
    } else if (last >= 1 && Is(tokens[last - 1], "~")) {
      first = last - 1;
    }
  }
  out.name = SpanOf(tokens, first, last);
  out.line = tokens[first].line;
  // A::B<T>::f — walk back over "::" and the names (and template arguments) before them. The
  // container is the innermost of them, B, as for a method defined inside its class.
  std::size_t qualifier = kNone;
  std::size_t begin = first;
  while (begin >= 2 && Is(tokens[begin - 1], "::")) {
    std::size_t name = begin - 2;
    if (Is(tokens[name], ">")) {
      int level = 0;
      while (true) {
        if (Is(tokens[name], ">")) {
          ++level;
        } else if (Is(tokens[name], "<") && --level == 0) {
          break;
        }
        if (name == 0) {
          return false;
        }
        --name;
      }
      if (name == 0) {
        break;
      }
      --name;
    }
    if (!IsIdentifier(tokens[name])) {
      break;
    }
    if (qualifier == kNone) {
      qualifier = name;
    }
    begin = name;
  }
  out.qualifier = qualifier == kNone ? std::string_view{} : tokens[qualifier].text;
  out.first = begin;
  return true;
}

bool IsMacroName(std::string_view name) {
  if (name.size() < 2) {
    return false;
  }
  bool letter = false;
  for (char c : name) {
    if (c >= 'a' && c <= 'z') {
      return false;
    }
    letter |= c >= 'A' && c <= 'Z';
  }
  return letter;
}

bool IsControlKeyword(const Token& token) {
  return IsAny(
      token, {"if",     "else",    "for",    "while", "do",      "switch",        "try",
              "catch",  "finally", "return", "case",  "default", "loop",          "match",
              "unsafe", "with",    "select", "go",    "defer",   "static_assert", "synchronized"});
}

}  // namespace oxd::codedb
