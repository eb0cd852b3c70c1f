#include "overlay/CommentPhrase.h"

#include <sqlite3.h>

#include <algorithm>
#include <mutex>
#include <stdexcept>

namespace oxd::codedb {
namespace {

struct Unicode61 {
  fts5_tokenizer api{};
  void* user_data = nullptr;
};

// The connection is opened once and never closed: the tokenizer module belongs to it.
const Unicode61& SharedUnicode61() {
  static const Unicode61 module = [] {
    Unicode61 found;
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr) !=
        SQLITE_OK) {
      throw std::runtime_error("sqlite3_open_v2(:memory:) failed");
    }
    fts5_api* fts5 = nullptr;
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &statement, nullptr) == SQLITE_OK) {
      sqlite3_bind_pointer(statement, 1, &fts5, "fts5_api_ptr", nullptr);
      sqlite3_step(statement);
    }
    sqlite3_finalize(statement);
    if (fts5 == nullptr ||
        fts5->xFindTokenizer(fts5, "unicode61", &found.user_data, &found.api) != SQLITE_OK) {
      throw std::runtime_error("SQLite has no FTS5 unicode61 tokenizer");
    }
    return found;
  }();
  return module;
}

int CollectToken(void* context, int /*flags*/, const char* token, int bytes, int /*start*/,
                 int /*end*/) {
  static_cast<std::vector<std::string>*>(context)->emplace_back(token,
                                                                static_cast<std::size_t>(bytes));
  return SQLITE_OK;
}

}  // namespace

CommentPhrase::CommentPhrase(std::string_view query) {
  const Unicode61& module = SharedUnicode61();
  api_ = &module.api;
  if (api_->xCreate(module.user_data, nullptr, 0, &tokenizer_) != SQLITE_OK) {
    throw std::runtime_error("creating a unicode61 tokenizer failed");
  }
  query_tokens_ = Tokenize(query);
}

CommentPhrase::~CommentPhrase() {
  if (tokenizer_ != nullptr) {
    api_->xDelete(tokenizer_);
  }
}

std::vector<std::string> CommentPhrase::Tokenize(std::string_view text) {
  std::vector<std::string> tokens;
  api_->xTokenize(tokenizer_, &tokens, FTS5_TOKENIZE_DOCUMENT, text.data(),
                  static_cast<int>(text.size()), CollectToken);
  return tokens;
}

bool CommentPhrase::MatchesIn(std::string_view comment) {
  if (query_tokens_.empty()) {
    return false;
  }
  std::vector<std::string> tokens = Tokenize(comment);
  return std::search(tokens.begin(), tokens.end(), query_tokens_.begin(), query_tokens_.end()) !=
         tokens.end();
}

}  // namespace oxd::codedb
