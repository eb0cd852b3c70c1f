// Turns raw comment bodies found by a scanner into Extraction::comments: strips decoration,
// merges runs of line comments and writes the text into the Extraction's arena. One collector
// per Extract call, used from that call's thread only.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "Extraction.h"

namespace oxd::codedb {

class CommentCollector {
 public:
  // `source_size` bounds the arena: the sum of all comment texts never exceeds it.
  CommentCollector(Extraction& out, std::size_t source_size);
  ~CommentCollector();
  CommentCollector(const CommentCollector&) = delete;
  CommentCollector& operator=(const CommentCollector&) = delete;

  // One line comment; `body` is what follows the marker up to the end of the line.
  // `alone_on_line`: nothing but blanks precede the marker. A line comment alone on its line
  // directly below another such comment of the same kind extends it.
  void AddLine(CommentKind kind, std::string_view body, std::uint32_t line, bool alone_on_line);
  // A `#` comment of Python or shell whose marker is at text[marker]: adds it as a line comment
  // and returns where it ends (its newline, or the end of the text).
  std::size_t AddHashComment(std::string_view text, std::size_t marker, std::uint32_t line,
                             bool alone_on_line);

  // A block comment's body (between the markers); continuation lines lose their indentation
  // and a leading `*`.
  void AddBlock(CommentKind kind, std::string_view body, std::uint32_t start_line,
                std::uint32_t end_line);

  // A docstring's body: the common indentation of lines after the first is removed
  // (Python's inspect.cleandoc).
  void AddDocstring(std::string_view body, std::uint32_t start_line, std::uint32_t end_line);

  // Ends a pending run of line comments; the destructor calls it too.
  void Flush();

  // Makes the comment ending on `line` a doc comment if no code shares its lines: Go documents
  // a declaration with the comment right above it.
  void MarkDocEndingAt(std::uint32_t line);

 private:
  char* Reserve(std::size_t size);
  void Append(std::string_view text);
  void Finish(CommentKind kind, std::uint32_t start_line, std::uint32_t end_line, bool alone);

  Extraction& out_;
  std::size_t source_size_;
  std::size_t text_start_ = 0;  // arena offset where the comment being written starts
  bool pending_ = false;        // a line-comment run is open and may grow
  std::vector<bool> alone_;     // per finished comment: it had its lines to itself
  CommentKind pending_kind_ = CommentKind::kLine;
  std::uint32_t pending_start_ = 0;
  std::uint32_t pending_end_ = 0;
};

}  // namespace oxd::codedb
