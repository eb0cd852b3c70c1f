// The mirror's files in the ledger: data/github/YYYY/MM/DD/pr/<number>.json and
// .../issue/<number>.json, dated by created_at (UTC) and never moved. The field set is the
// original's PRFile/IssueFile; keys are written in one fixed order, pretty-printed (2 spaces,
// a final newline), so an unchanged item renders to identical bytes and makes no commit.
// Titles, bodies, comments and commit messages are redacted (libs/redact) before rendering.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace oxd::github {

struct Comment {
  std::int64_t id = 0;
  std::string kind;  // "issue" (the conversation) or "review" (on a line of the diff)
  std::string author;
  std::string body;
  std::string created_at;
  std::string updated_at;
  std::string path;                  // review comments only
  std::optional<std::int64_t> line;  // review comments only, when GitHub gives one
  std::string url;
};

struct Commit {
  std::string sha;
  std::string author;  // login, else the git author's name
  std::string date;
  std::string message;
};

struct Item {
  bool pull_request = false;
  std::int64_t number = 0;
  std::string title;
  std::string body;
  std::string author;
  std::string state;  // "open", "closed" or "merged"
  std::vector<std::string> labels;
  std::string created_at;
  std::string updated_at;
  std::string merged_at;     // PRs; "" → null
  std::string closed_at;     // "" → null
  std::string merge_commit;  // PRs; "" → null
  std::string url;
  std::vector<Comment> comments;  // sorted by created_at, then id
  std::vector<Commit> commits;    // PRs; in the PR's order
};

// From the API's objects (GET /pulls, GET /issues, …/comments, …/commits). Throws
// std::runtime_error naming the field when a documented field is missing or of another type.
Item PullFromApi(const Poco::JSON::Object::Ptr& pull);
Item IssueFromApi(const Poco::JSON::Object::Ptr& issue);
// The issue or PR number a comment belongs to (from issue_url or pull_request_url), and it.
std::pair<std::int64_t, Comment> CommentFromApi(const Poco::JSON::Object::Ptr& comment,
                                                bool review);
Commit CommitFromApi(const Poco::JSON::Object::Ptr& commit);

// data/github/YYYY/MM/DD/{pr,issue}/<number>.json (UTC date of created_at).
std::string ItemPath(const Item& item);

// Secrets in title, body, comments and commit messages replaced by libs/redact's markers.
Item Redacted(Item item);

// The file's bytes: fixed key order, 2-space indent, final newline.
std::string RenderItem(const Item& item);

// A file RenderItem wrote, read back (comments and commits are what a sync merges into).
// Throws std::runtime_error when it is not such a file.
Item ParseItemFile(const std::string& text, bool pull_request);

// Comments merged by id (an edited one replaces the old), sorted by created_at, then id.
void MergeComments(std::vector<Comment>& into, const std::vector<Comment>& incoming);

}  // namespace oxd::github
