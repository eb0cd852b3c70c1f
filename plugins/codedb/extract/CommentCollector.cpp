#include "CommentCollector.h"

#include <algorithm>
#include <cstring>

namespace oxd::codedb {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view TrimRight(std::string_view text) {
  while (!text.empty() && IsBlank(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

std::string_view TrimLeft(std::string_view text) {
  while (!text.empty() && IsBlank(text.front())) {
    text.remove_prefix(1);
  }
  return text;
}

// Calls `visit(line)` for each line of `text`, without the '\n'.
template <typename Visit>
void ForEachLine(std::string_view text, Visit visit) {
  while (true) {
    std::size_t end = text.find('\n');
    visit(text.substr(0, end));
    if (end == std::string_view::npos) {
      return;
    }
    text.remove_prefix(end + 1);
  }
}

}  // namespace

CommentCollector::CommentCollector(Extraction& out, std::size_t source_size)
    : out_(out), source_size_(source_size) {}

CommentCollector::~CommentCollector() { Flush(); }

char* CommentCollector::Reserve(std::size_t size) {
  if (!out_.arena_) {
    // One allocation for the whole file, made only when it has comments. +1: a merged run adds
    // a '\n' per line but drops at least "//" per line, so the text stays below the source.
    out_.arena_capacity_ = source_size_ + 1;
    out_.arena_.reset(new char[out_.arena_capacity_]);
  }
  if (out_.arena_used_ + size > out_.arena_capacity_) {
    return nullptr;  // cannot happen for text taken from the source; dropped rather than overrun
  }
  char* at = out_.arena_.get() + out_.arena_used_;
  out_.arena_used_ += size;
  return at;
}

void CommentCollector::Append(std::string_view text) {
  if (char* at = Reserve(text.size())) {
    std::memcpy(at, text.data(), text.size());
  }
}

void CommentCollector::Finish(CommentKind kind, std::uint32_t start_line, std::uint32_t end_line,
                              bool alone) {
  // Trailing blank lines of the text go; a comment with no text at all is not recorded.
  const char* base = out_.arena_ ? out_.arena_.get() : nullptr;
  std::size_t end = out_.arena_used_;
  while (end > text_start_ && (base[end - 1] == '\n' || IsBlank(base[end - 1]))) {
    --end;
  }
  out_.arena_used_ = end;
  if (end > text_start_) {
    out_.comments.push_back(Comment{kind, start_line, end_line,
                                    std::string_view(base + text_start_, end - text_start_)});
    alone_.push_back(alone);
  }
  text_start_ = out_.arena_used_;
}

std::size_t CommentCollector::AddHashComment(std::string_view text, std::size_t marker,
                                             std::uint32_t line, bool alone_on_line) {
  const std::size_t start = marker + 1;
  std::size_t end = text.find('\n', start);
  if (end == std::string_view::npos) {
    end = text.size();
  }
  AddLine(CommentKind::kLine, text.substr(start, end - start), line, alone_on_line);
  return end;
}

void CommentCollector::AddLine(CommentKind kind, std::string_view body, std::uint32_t line,
                               bool alone_on_line) {
  body = TrimRight(body);
  if (body.starts_with(' ')) {
    body.remove_prefix(1);
  }
  if (pending_ && alone_on_line && kind == pending_kind_ && line == pending_end_ + 1) {
    Append("\n");
    Append(body);
    pending_end_ = line;
    return;
  }
  Flush();
  if (!alone_on_line) {
    // A trailing comment stands alone: the next line's comment does not extend it.
    Append(body);
    Finish(kind, line, line, false);
    return;
  }
  Append(body);
  pending_ = true;
  pending_kind_ = kind;
  pending_start_ = line;
  pending_end_ = line;
}

void CommentCollector::Flush() {
  if (pending_) {
    pending_ = false;
    Finish(pending_kind_, pending_start_, pending_end_, true);
  }
}

void CommentCollector::MarkDocEndingAt(std::uint32_t line) {
  if (pending_ && pending_end_ == line) {
    pending_kind_ = CommentKind::kDoc;
    return;
  }
  // The scanner may have read a few comments past the declaration's first line.
  for (std::size_t i = out_.comments.size(); i-- > 0 && out_.comments[i].end_line >= line;) {
    if (out_.comments[i].end_line == line) {
      if (alone_[i]) {
        out_.comments[i].kind = CommentKind::kDoc;
      }
      return;
    }
  }
}

void CommentCollector::AddBlock(CommentKind kind, std::string_view body, std::uint32_t start_line,
                                std::uint32_t end_line) {
  Flush();
  bool first = true;
  bool any_text = false;  // leading blank lines are dropped
  ForEachLine(body, [&](std::string_view line) {
    line = TrimRight(line);
    if (!first) {
      line = TrimLeft(line);
      if (line.starts_with('*')) {
        line.remove_prefix(1);
        if (line.starts_with(' ')) {
          line.remove_prefix(1);
        }
      }
    } else {
      line = TrimLeft(line);
    }
    first = false;
    if (!any_text && line.empty()) {
      return;
    }
    if (any_text) {
      Append("\n");
    }
    any_text = true;
    Append(line);
  });
  // Close enough: code beside a block comment above a declaration is rare.
  Finish(kind, start_line, end_line, true);
}

void CommentCollector::AddDocstring(std::string_view body, std::uint32_t start_line,
                                    std::uint32_t end_line) {
  Flush();
  // The smallest indentation of the non-blank lines after the first.
  std::size_t indent = std::string_view::npos;
  bool first = true;
  ForEachLine(body, [&](std::string_view line) {
    if (first) {
      first = false;
      return;
    }
    std::size_t start = line.find_first_not_of(" \t");
    if (start != std::string_view::npos && TrimRight(line).size() > start && start < indent) {
      indent = start;
    }
  });
  first = true;
  bool any_text = false;
  ForEachLine(body, [&](std::string_view line) {
    line = TrimRight(line);
    if (first) {
      line = TrimLeft(line);
    } else {
      line.remove_prefix(std::min(indent == std::string_view::npos ? 0 : indent, line.size()));
    }
    first = false;
    if (!any_text && line.empty()) {
      return;
    }
    if (any_text) {
      Append("\n");
    }
    any_text = true;
    Append(line);
  });
  Finish(CommentKind::kDoc, start_line, end_line, true);
}

}  // namespace oxd::codedb
