// The comment search's phrase test without an FTS5 table: the index matches comments with
// `comment_fts MATCH "<query>"` over the unicode61 tokenizer; this cuts the query and each
// comment with that same tokenizer (SQLite's own, reached through the fts5_api of a private
// in-memory connection) and looks for the query's tokens in a row. Same tokens, same folding
// and diacritics, same answers.
//
// Threading: a CommentPhrase is used by one thread (it owns a tokenizer instance, whose fold
// buffer is not shared); create one per search. Creating them is safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

struct Fts5Tokenizer;
struct fts5_tokenizer;

namespace oxd::codedb {

class CommentPhrase {
 public:
  explicit CommentPhrase(std::string_view query);
  ~CommentPhrase();
  CommentPhrase(const CommentPhrase&) = delete;
  CommentPhrase& operator=(const CommentPhrase&) = delete;

  // True when the query's tokens appear consecutively in `comment`. A query without tokens
  // ("  ", "!!") matches nothing, as in FTS5.
  bool MatchesIn(std::string_view comment);

  const std::vector<std::string>& tokens() const { return query_tokens_; }

 private:
  std::vector<std::string> Tokenize(std::string_view text);

  const fts5_tokenizer* api_ = nullptr;
  Fts5Tokenizer* tokenizer_ = nullptr;
  std::vector<std::string> query_tokens_;
};

}  // namespace oxd::codedb
