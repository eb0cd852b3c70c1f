#include "ItemFiles.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "redact/Redact.h"

namespace oxd::github {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

std::string Text(const Object::Ptr& object, const std::string& key) {
  if (!object->has(key) || object->isNull(key)) return "";
  Poco::Dynamic::Var value = object->get(key);
  if (!value.isString()) throw std::runtime_error(key + ": expected a string");
  return value.extract<std::string>();
}

std::int64_t Number(const Object::Ptr& object, const std::string& key) {
  if (!object->has(key) || object->isNull(key)) throw std::runtime_error(key + ": missing");
  Poco::Dynamic::Var value = object->get(key);
  if (!value.isInteger()) throw std::runtime_error(key + ": expected a number");
  return value.convert<std::int64_t>();
}

std::string Login(const Object::Ptr& object, const std::string& key) {
  Object::Ptr user = object->has(key) && !object->isNull(key) ? object->getObject(key) : nullptr;
  return user ? Text(user, "login") : "";
}

std::vector<std::string> Labels(const Object::Ptr& object) {
  std::vector<std::string> labels;
  Array::Ptr list = object->getArray("labels");
  if (!list) return labels;
  for (std::size_t i = 0; i < list->size(); ++i) {
    Poco::Dynamic::Var entry = list->get(static_cast<unsigned>(i));
    if (entry.isString()) {
      labels.push_back(entry.extract<std::string>());
    } else if (Object::Ptr label = list->getObject(static_cast<unsigned>(i))) {
      labels.push_back(Text(label, "name"));
    }
  }
  return labels;
}

// The number at the end of …/issues/12 or …/pulls/12.
std::int64_t TrailingNumber(const std::string& url) {
  std::size_t slash = url.find_last_of('/');
  try {
    return std::stoll(url.substr(slash == std::string::npos ? 0 : slash + 1));
  } catch (const std::exception&) {
    throw std::runtime_error("no item number in '" + url + "'");
  }
}

// JSON string literal: quotes, backslashes and control characters escaped; UTF-8 kept as is.
void Quote(std::string& out, const std::string& text) {
  out += '"';
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
          out += escaped;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

// Writes `"key": value` lines at one indentation, commas between them.
class ObjectWriter {
 public:
  ObjectWriter(std::string& out, int indent) : out_(out), indent_(indent) { out_ += "{"; }
  void text(const char* key, const std::string& value) {
    this->key(key);
    Quote(out_, value);
  }
  void nullableText(const char* key, const std::string& value) {
    this->key(key);
    if (value.empty()) {
      out_ += "null";
    } else {
      Quote(out_, value);
    }
  }
  void number(const char* key, std::int64_t value) {
    this->key(key);
    out_ += std::to_string(value);
  }
  // Starts the value of `key`; the caller writes it.
  void key(const char* key) {
    out_ += first_ ? "\n" : ",\n";
    first_ = false;
    out_.append(static_cast<std::size_t>(indent_ + 2), ' ');
    Quote(out_, key);
    out_ += ": ";
  }
  void close() {
    if (!first_) {
      out_ += "\n";
      out_.append(static_cast<std::size_t>(indent_), ' ');
    }
    out_ += "}";
  }
  int indent() const { return indent_; }

 private:
  std::string& out_;
  int indent_;
  bool first_ = true;
};

template <typename T, typename Write>
void List(std::string& out, int indent, const std::vector<T>& values, Write write) {
  if (values.empty()) {
    out += "[]";
    return;
  }
  out += "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    out += i == 0 ? "\n" : ",\n";
    out.append(static_cast<std::size_t>(indent + 2), ' ');
    write(values[i], indent + 2);
  }
  out += "\n";
  out.append(static_cast<std::size_t>(indent), ' ');
  out += "]";
}

}  // namespace

Item PullFromApi(const Object::Ptr& pull) {
  Item item;
  item.pull_request = true;
  item.number = Number(pull, "number");
  item.title = Text(pull, "title");
  item.body = Text(pull, "body");
  item.author = Login(pull, "user");
  item.labels = Labels(pull);
  item.created_at = Text(pull, "created_at");
  item.updated_at = Text(pull, "updated_at");
  item.merged_at = Text(pull, "merged_at");
  item.closed_at = Text(pull, "closed_at");
  item.merge_commit = item.merged_at.empty() ? "" : Text(pull, "merge_commit_sha");
  item.url = Text(pull, "html_url");
  std::string state = Text(pull, "state");
  item.state = !item.merged_at.empty() ? "merged" : state;
  if (item.created_at.size() < 10) throw std::runtime_error("created_at: not a time");
  return item;
}

Item IssueFromApi(const Object::Ptr& issue) {
  Item item;
  item.number = Number(issue, "number");
  item.title = Text(issue, "title");
  item.body = Text(issue, "body");
  item.author = Login(issue, "user");
  item.labels = Labels(issue);
  item.created_at = Text(issue, "created_at");
  item.updated_at = Text(issue, "updated_at");
  item.closed_at = Text(issue, "closed_at");
  item.url = Text(issue, "html_url");
  item.state = Text(issue, "state");
  if (item.created_at.size() < 10) throw std::runtime_error("created_at: not a time");
  return item;
}

std::pair<std::int64_t, Comment> CommentFromApi(const Object::Ptr& comment, bool review) {
  Comment parsed;
  parsed.id = Number(comment, "id");
  parsed.kind = review ? "review" : "issue";
  parsed.author = Login(comment, "user");
  parsed.body = Text(comment, "body");
  parsed.created_at = Text(comment, "created_at");
  parsed.updated_at = Text(comment, "updated_at");
  parsed.url = Text(comment, "html_url");
  if (review) {
    parsed.path = Text(comment, "path");
    for (const char* key : {"line", "original_line"}) {
      if (comment->has(key) && !comment->isNull(key) && comment->get(key).isInteger()) {
        parsed.line = comment->get(key).convert<std::int64_t>();
        break;
      }
    }
  }
  std::int64_t number = TrailingNumber(Text(comment, review ? "pull_request_url" : "issue_url"));
  return {number, parsed};
}

Commit CommitFromApi(const Object::Ptr& commit) {
  Commit parsed;
  parsed.sha = Text(commit, "sha");
  Object::Ptr inner = commit->getObject("commit");
  if (!inner) throw std::runtime_error("commit: missing");
  parsed.message = Text(inner, "message");
  Object::Ptr git_author = inner->getObject("author");
  if (git_author) parsed.date = Text(git_author, "date");
  parsed.author = Login(commit, "author");
  if (parsed.author.empty() && git_author) parsed.author = Text(git_author, "name");
  return parsed;
}

std::string ItemPath(const Item& item) {
  const std::string& at = item.created_at;  // 2026-12-07T23:10:00Z: already UTC
  return "data/github/" + at.substr(0, 4) + "/" + at.substr(5, 2) + "/" + at.substr(8, 2) +
         (item.pull_request ? "/pr/" : "/issue/") + std::to_string(item.number) + ".json";
}

Item Redacted(Item item) {
  item.title = redact::Redact(item.title);
  item.body = redact::Redact(item.body);
  for (Comment& comment : item.comments) comment.body = redact::Redact(comment.body);
  for (Commit& commit : item.commits) commit.message = redact::Redact(commit.message);
  return item;
}

std::string RenderItem(const Item& item) {
  std::string out;
  ObjectWriter top(out, 0);
  top.number("number", item.number);
  top.text("title", item.title);
  top.text("body", item.body);
  top.text("author", item.author);
  top.text("state", item.state);
  top.key("labels");
  List(out, 2, item.labels, [&out](const std::string& label, int) { Quote(out, label); });
  top.text("created_at", item.created_at);
  top.text("updated_at", item.updated_at);
  if (item.pull_request) top.nullableText("merged_at", item.merged_at);
  top.nullableText("closed_at", item.closed_at);
  if (item.pull_request) top.nullableText("merge_commit", item.merge_commit);
  top.text("url", item.url);
  top.key("comments");
  List(out, 2, item.comments, [&out](const Comment& comment, int indent) {
    ObjectWriter writer(out, indent);
    writer.number("id", comment.id);
    writer.text("kind", comment.kind);
    writer.text("author", comment.author);
    writer.text("body", comment.body);
    writer.text("created_at", comment.created_at);
    writer.text("updated_at", comment.updated_at);
    if (comment.kind == "review") {
      writer.text("path", comment.path);
      writer.key("line");
      out += comment.line ? std::to_string(*comment.line) : "null";
    }
    writer.text("url", comment.url);
    writer.close();
  });
  if (item.pull_request) {
    top.key("commits");
    List(out, 2, item.commits, [&out](const Commit& commit, int indent) {
      ObjectWriter writer(out, indent);
      writer.text("sha", commit.sha);
      writer.text("author", commit.author);
      writer.text("date", commit.date);
      writer.text("message", commit.message);
      writer.close();
    });
  }
  top.close();
  out += "\n";
  return out;
}

Item ParseItemFile(const std::string& text, bool pull_request) {
  Poco::JSON::Parser parser;
  Object::Ptr file = parser.parse(text).extract<Object::Ptr>();
  if (!file) throw std::runtime_error("not a JSON object");
  Item item;
  item.pull_request = pull_request;
  item.number = Number(file, "number");
  item.title = Text(file, "title");
  item.body = Text(file, "body");
  item.author = Text(file, "author");
  item.state = Text(file, "state");
  item.labels = Labels(file);
  item.created_at = Text(file, "created_at");
  item.updated_at = Text(file, "updated_at");
  item.merged_at = Text(file, "merged_at");
  item.closed_at = Text(file, "closed_at");
  item.merge_commit = Text(file, "merge_commit");
  item.url = Text(file, "url");
  if (Array::Ptr comments = file->getArray("comments")) {
    for (std::size_t i = 0; i < comments->size(); ++i) {
      Object::Ptr entry = comments->getObject(static_cast<unsigned>(i));
      if (!entry) continue;
      Comment comment;
      comment.id = Number(entry, "id");
      comment.kind = Text(entry, "kind");
      comment.author = Text(entry, "author");
      comment.body = Text(entry, "body");
      comment.created_at = Text(entry, "created_at");
      comment.updated_at = Text(entry, "updated_at");
      comment.path = Text(entry, "path");
      if (entry->has("line") && !entry->isNull("line")) comment.line = Number(entry, "line");
      comment.url = Text(entry, "url");
      item.comments.push_back(comment);
    }
  }
  if (Array::Ptr commits = file->getArray("commits")) {
    for (std::size_t i = 0; i < commits->size(); ++i) {
      Object::Ptr entry = commits->getObject(static_cast<unsigned>(i));
      if (!entry) continue;
      item.commits.push_back(
          {Text(entry, "sha"), Text(entry, "author"), Text(entry, "date"), Text(entry, "message")});
    }
  }
  return item;
}

void MergeComments(std::vector<Comment>& into, const std::vector<Comment>& incoming) {
  for (const Comment& comment : incoming) {
    auto same = std::find_if(into.begin(), into.end(), [&](const Comment& existing) {
      return existing.id == comment.id && existing.kind == comment.kind;
    });
    if (same != into.end()) {
      *same = comment;
    } else {
      into.push_back(comment);
    }
  }
  std::sort(into.begin(), into.end(), [](const Comment& a, const Comment& b) {
    if (a.created_at != b.created_at) return a.created_at < b.created_at;
    if (a.kind != b.kind) return a.kind < b.kind;
    return a.id < b.id;
  });
}

}  // namespace oxd::github
