#pragma once
// The events on the bus, one struct a topic: the contract between the plugin that publishes a
// topic and the plugins that subscribe to it. A field renamed on one side no longer compiles on
// the other, and a malformed event is refused by fromVar() with what is wrong, instead of
// silently turning a subscriber off.
//
// Each struct has
//   kTopic                 the topic name on the bus
//   toVar()                the event as the bus carries it (a JSON object, keys in this order)
//   fromVar(var)           the reverse; throws BadEvent("repo.pulled: files_changed: expected
//                          integer, got string") when a field is missing or of the wrong kind
// and sdk::publish / sdk::subscribe below take and give the struct. A typed subscriber that is
// handed a malformed event throws BadEvent out of its handler; the host catches it, logs it and
// counts it as a failed delivery (like any subscriber exception), and the next event is
// delivered as usual.
//
// Header-only; the structs are plain values, safe to copy between threads.

#include <oxd/host.h>
#include <oxd/payload.h>

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <concepts>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace oxd::sdk {

class BadEvent : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace events_detail {

// Runs `read` on the event's fields; every problem becomes BadEvent "<topic>: <problem>".
template <typename Read>
auto readEvent(const char* topic, const Poco::Dynamic::Var& event, Read&& read) {
  if (event.type() != typeid(Poco::JSON::Object::Ptr)) {
    throw BadEvent(std::string(topic) + ": expected object, got " + Payload::kindOf(event));
  }
  auto object = event.extract<Poco::JSON::Object::Ptr>();
  if (!object) throw BadEvent(std::string(topic) + ": expected object, got null");
  try {
    return read(Payload(object));
  } catch (const BadPayload& problem) {
    throw BadEvent(std::string(topic) + ": " + problem.what());
  }
}

inline std::int64_t requiredInt(const Payload& fields, const std::string& key) {
  auto value = fields.optionalInt(key);
  if (!value) throw BadPayload(key + ": required");
  return *value;
}

inline bool requiredBool(const Payload& fields, const std::string& key) {
  auto value = fields.optionalBool(key);
  if (!value) throw BadPayload(key + ": required");
  return *value;
}

inline std::vector<std::string> requiredStrings(const Payload& fields, const std::string& key) {
  auto value = fields.optionalStrings(key);
  if (!value) throw BadPayload(key + ": required");
  return *value;
}

inline void expectOneOf(const std::string& key, const std::string& value,
                        std::initializer_list<const char*> allowed) {
  std::string names;
  for (const char* name : allowed) {
    if (value == name) return;
    names += (names.empty() ? "" : ", ") + std::string(name);
  }
  throw BadPayload(key + ": expected one of " + names + ", got '" + value + "'");
}

inline Poco::JSON::Array::Ptr stringList(const std::vector<std::string>& items) {
  Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
  for (const std::string& item : items) list->add(item);
  return list;
}

}  // namespace events_detail

// repo.pulled: a pull moved a checkout (sync plugin). Published after every pull that changed
// HEAD.
struct RepoPulledEvent {
  static constexpr const char* kTopic = "repo.pulled";

  std::string scope;               // "ledger" or "team-context"
  std::string id;                  // "ledger" or the team id
  std::string path;                // the checkout
  std::string old_head;            // on the bus: "old"
  std::string new_head;            // on the bus: "new"
  std::int64_t files_changed = 0;  // the number of `paths`
  std::vector<std::string> paths;  // changed files, relative to the checkout

  Poco::Dynamic::Var toVar() const {
    Poco::JSON::Object::Ptr event = new Poco::JSON::Object(true);
    event->set("scope", scope);
    event->set("id", id);
    event->set("path", path);
    event->set("old", old_head);
    event->set("new", new_head);
    event->set("files_changed", files_changed);
    event->set("paths", events_detail::stringList(paths));
    return event;
  }
  static RepoPulledEvent fromVar(const Poco::Dynamic::Var& var) {
    return events_detail::readEvent(kTopic, var, [](const Payload& fields) {
      RepoPulledEvent event;
      event.scope = fields.requiredString("scope");
      event.id = fields.requiredString("id");
      event.path = fields.requiredString("path");
      event.old_head = fields.requiredString("old");
      event.new_head = fields.requiredString("new");
      event.files_changed = events_detail::requiredInt(fields, "files_changed");
      event.paths = events_detail::requiredStrings(fields, "paths");
      return event;
    });
  }
  bool operator==(const RepoPulledEvent&) const = default;
};

// repo.cloned: a checkout was cloned (sync plugin; not for a `mirror` checkout).
struct RepoClonedEvent {
  static constexpr const char* kTopic = "repo.cloned";

  std::string scope;  // "ledger" or "team-context"
  std::string id;
  std::string path;
  std::string head;
  bool gc = false;  // a GC swapped in a fresh clone (only on the bus when true)

  Poco::Dynamic::Var toVar() const {
    Poco::JSON::Object::Ptr event = new Poco::JSON::Object(true);
    event->set("scope", scope);
    event->set("id", id);
    event->set("path", path);
    event->set("head", head);
    if (gc) event->set("gc", true);
    return event;
  }
  static RepoClonedEvent fromVar(const Poco::Dynamic::Var& var) {
    return events_detail::readEvent(kTopic, var, [](const Payload& fields) {
      RepoClonedEvent event;
      event.scope = fields.requiredString("scope");
      event.id = fields.requiredString("id");
      event.path = fields.requiredString("path");
      event.head = fields.requiredString("head");
      event.gc = fields.optionalBool("gc").value_or(false);
      return event;
    });
  }
  bool operator==(const RepoClonedEvent&) const = default;
};

// sync.complete: one pull or clone ended, successfully or not (sync plugin).
struct SyncCompleteEvent {
  static constexpr const char* kTopic = "sync.complete";

  std::string type;  // "ledger" or "team-context"
  std::string id;
  std::string op;      // "pull" or "clone"
  std::string status;  // "ok" or "error"
  std::int64_t duration_ms = 0;

  bool ok() const { return status == "ok"; }

  Poco::Dynamic::Var toVar() const {
    Poco::JSON::Object::Ptr event = new Poco::JSON::Object(true);
    event->set("type", type);
    event->set("id", id);
    event->set("op", op);
    event->set("status", status);
    event->set("duration_ms", duration_ms);
    return event;
  }
  static SyncCompleteEvent fromVar(const Poco::Dynamic::Var& var) {
    return events_detail::readEvent(kTopic, var, [](const Payload& fields) {
      SyncCompleteEvent event;
      event.type = fields.requiredString("type");
      event.id = fields.requiredString("id");
      event.op = fields.requiredString("op");
      events_detail::expectOneOf("op", event.op, {"pull", "clone"});
      event.status = fields.requiredString("status");
      events_detail::expectOneOf("status", event.status, {"ok", "error"});
      event.duration_ms = events_detail::requiredInt(fields, "duration_ms");
      return event;
    });
  }
  bool operator==(const SyncCompleteEvent&) const = default;
};

// codedb.indexed: an index run that indexed something, or failed (codedb plugin). The same
// object is the code_index reply (the Go daemon's CodeIndexResult plus oxd's own counters).
struct CodedbIndexedEvent {
  static constexpr const char* kTopic = "codedb.indexed";

  std::string repo;  // "project", "ledger" or the remote's URL
  bool full = false;
  bool ok = false;
  bool cancelled = false;  // only on the bus when true
  std::string error;       // only on the bus when !ok && !cancelled
  // The Go daemon's CodeIndexResult.
  std::int64_t blobs_parsed = 0;
  std::int64_t symbols_extracted = 0;
  std::int64_t comments_extracted = 0;
  std::int64_t index_duration_ms = 0;
  std::int64_t symbol_duration_ms = 0;
  std::int64_t comment_duration_ms = 0;
  std::int64_t total_duration_ms = 0;
  // oxd's stages and counters.
  std::int64_t commits = 0;
  std::int64_t blobs_new = 0;
  std::int64_t blobs_skipped = 0;
  std::int64_t bytes_indexed = 0;
  std::int64_t walk_ms = 0;
  std::int64_t commits_ms = 0;
  std::int64_t head_ms = 0;

  Poco::JSON::Object::Ptr toObject() const {
    Poco::JSON::Object::Ptr event = new Poco::JSON::Object(true);
    event->set("repo", repo);
    event->set("full", full);
    event->set("ok", ok);
    if (cancelled) event->set("cancelled", true);
    if (!ok && !cancelled) event->set("error", error);
    event->set("blobs_parsed", blobs_parsed);
    event->set("symbols_extracted", symbols_extracted);
    event->set("comments_extracted", comments_extracted);
    event->set("index_duration_ms", index_duration_ms);
    event->set("symbol_duration_ms", symbol_duration_ms);
    event->set("comment_duration_ms", comment_duration_ms);
    event->set("total_duration_ms", total_duration_ms);
    event->set("commits", commits);
    event->set("blobs_new", blobs_new);
    event->set("blobs_skipped", blobs_skipped);
    event->set("bytes_indexed", bytes_indexed);
    event->set("walk_ms", walk_ms);
    event->set("commits_ms", commits_ms);
    event->set("head_ms", head_ms);
    return event;
  }
  Poco::Dynamic::Var toVar() const { return toObject(); }
  static CodedbIndexedEvent fromVar(const Poco::Dynamic::Var& var) {
    return events_detail::readEvent(kTopic, var, [](const Payload& fields) {
      using events_detail::requiredInt;
      CodedbIndexedEvent event;
      event.repo = fields.requiredString("repo");
      event.full = events_detail::requiredBool(fields, "full");
      event.ok = events_detail::requiredBool(fields, "ok");
      event.cancelled = fields.optionalBool("cancelled").value_or(false);
      event.error = fields.optionalString("error").value_or("");
      event.blobs_parsed = requiredInt(fields, "blobs_parsed");
      event.symbols_extracted = requiredInt(fields, "symbols_extracted");
      event.comments_extracted = requiredInt(fields, "comments_extracted");
      event.index_duration_ms = requiredInt(fields, "index_duration_ms");
      event.symbol_duration_ms = requiredInt(fields, "symbol_duration_ms");
      event.comment_duration_ms = requiredInt(fields, "comment_duration_ms");
      event.total_duration_ms = requiredInt(fields, "total_duration_ms");
      event.commits = requiredInt(fields, "commits");
      event.blobs_new = requiredInt(fields, "blobs_new");
      event.blobs_skipped = requiredInt(fields, "blobs_skipped");
      event.bytes_indexed = requiredInt(fields, "bytes_indexed");
      event.walk_ms = requiredInt(fields, "walk_ms");
      event.commits_ms = requiredInt(fields, "commits_ms");
      event.head_ms = requiredInt(fields, "head_ms");
      return event;
    });
  }
  bool operator==(const CodedbIndexedEvent&) const = default;
};

// files.changed: a settled batch of changes in the project's working tree (codedb's overlay).
struct FilesChangedEvent {
  static constexpr const char* kTopic = "files.changed";

  struct Change {
    std::string path;  // relative to the project root
    std::string type;  // what happened to it, e.g. "modified", "deleted"; may be ""
    bool operator==(const Change&) const = default;
  };
  std::vector<Change> changes;

  Poco::Dynamic::Var toVar() const {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const Change& change : changes) {
      Poco::JSON::Object::Ptr item = new Poco::JSON::Object(true);
      item->set("path", change.path);
      item->set("type", change.type);
      list->add(item);
    }
    Poco::JSON::Object::Ptr event = new Poco::JSON::Object(true);
    event->set("changes", list);
    return event;
  }
  static FilesChangedEvent fromVar(const Poco::Dynamic::Var& var) {
    return events_detail::readEvent(kTopic, var, [](const Payload& fields) {
      if (!fields.has("changes")) throw BadPayload("changes: required");
      auto list = fields.object()->getArray("changes");
      if (!list) {
        throw BadPayload("changes: expected list, got " +
                         Payload::kindOf(fields.object()->get("changes")));
      }
      FilesChangedEvent event;
      for (std::size_t i = 0; i < list->size(); ++i) {
        std::string where = "changes[" + std::to_string(i) + "]";
        auto item = list->getObject(static_cast<unsigned>(i));
        if (!item)
          throw BadPayload(where + ": expected object, got " + Payload::kindOf(list->get(i)));
        try {
          Payload change(item);
          event.changes.push_back(
              {change.requiredString("path"), change.optionalString("type").value_or("")});
        } catch (const BadPayload& problem) {
          throw BadPayload(where + "." + problem.what());
        }
      }
      return event;
    });
  }
  bool operator==(const FilesChangedEvent&) const = default;
};

// heartbeat: what an agent hook or the CLI sent in a `heartbeat` message (core), as the core
// read it: a field of the wrong kind in the message is left out here (empty / 0), and the
// credentials never ride the bus (Host::credentials() has them).
struct HeartbeatEvent {
  static constexpr const char* kTopic = "heartbeat";

  std::string agent_id;
  std::string agent_type;
  std::string parent_agent_id;
  std::string caller_path;
  std::string repo_path;
  std::string workspace_id;
  std::string cli_version;
  std::string command_name;
  std::vector<std::string> team_ids;
  std::int64_t context_tokens = 0;
  std::int64_t parent_pid = 0;

  Poco::Dynamic::Var toVar() const {
    Poco::JSON::Object::Ptr event = new Poco::JSON::Object(true);
    auto text = [&](const char* key, const std::string& value) {
      if (!value.empty()) event->set(key, value);
    };
    text("agent_id", agent_id);
    text("agent_type", agent_type);
    text("parent_agent_id", parent_agent_id);
    text("caller_path", caller_path);
    text("repo_path", repo_path);
    text("workspace_id", workspace_id);
    text("cli_version", cli_version);
    text("command_name", command_name);
    if (!team_ids.empty()) event->set("team_ids", events_detail::stringList(team_ids));
    if (context_tokens != 0) event->set("context_tokens", context_tokens);
    if (parent_pid != 0) event->set("parent_pid", parent_pid);
    return event;
  }
  static HeartbeatEvent fromVar(const Poco::Dynamic::Var& var) {
    return events_detail::readEvent(kTopic, var, [](const Payload& fields) {
      HeartbeatEvent event;
      auto text = [&](const char* key) { return fields.optionalString(key).value_or(""); };
      event.agent_id = text("agent_id");
      event.agent_type = text("agent_type");
      event.parent_agent_id = text("parent_agent_id");
      event.caller_path = text("caller_path");
      event.repo_path = text("repo_path");
      event.workspace_id = text("workspace_id");
      event.cli_version = text("cli_version");
      event.command_name = text("command_name");
      event.team_ids = fields.optionalStrings("team_ids").value_or(std::vector<std::string>{});
      event.context_tokens = fields.optionalInt("context_tokens").value_or(0);
      event.parent_pid = fields.optionalInt("parent_pid").value_or(0);
      return event;
    });
  }
  bool operator==(const HeartbeatEvent&) const = default;
};

// team.seen: a heartbeat named a team id the daemon had not seen (core). What the project file
// says of the team now: url, name, slug, interval and gc_interval_days when it names the team.
struct TeamSeenEvent {
  static constexpr const char* kTopic = "team.seen";

  std::string team_id;
  std::string path;  // where its checkout belongs
  std::string url;   // "" when unknown
  std::string name;
  std::string slug;
  std::int64_t interval_ns = 0;  // on the bus: "interval"; 0 = the default
  std::int64_t gc_interval_days = 0;

  Poco::Dynamic::Var toVar() const {
    Poco::JSON::Object::Ptr event = new Poco::JSON::Object(true);
    event->set("team_id", team_id);
    event->set("path", path);
    if (!url.empty()) event->set("url", url);
    if (!name.empty()) event->set("name", name);
    if (!slug.empty()) event->set("slug", slug);
    if (interval_ns != 0) event->set("interval", interval_ns);
    if (gc_interval_days != 0) event->set("gc_interval_days", gc_interval_days);
    return event;
  }
  static TeamSeenEvent fromVar(const Poco::Dynamic::Var& var) {
    return events_detail::readEvent(kTopic, var, [](const Payload& fields) {
      TeamSeenEvent event;
      event.team_id = fields.requiredString("team_id");
      event.path = fields.requiredString("path");
      event.url = fields.optionalString("url").value_or("");
      event.name = fields.optionalString("name").value_or("");
      event.slug = fields.optionalString("slug").value_or("");
      event.interval_ns = fields.optionalInt("interval").value_or(0);
      event.gc_interval_days = fields.optionalInt("gc_interval_days").value_or(0);
      return event;
    });
  }
  bool operator==(const TeamSeenEvent&) const = default;
};

// daemon.stopping: the daemon is shutting down, and why (core), e.g. "signal SIGTERM",
// "stop requested by a client", "inactivity", "version mismatch: …", "parent exited".
struct DaemonStoppingEvent {
  static constexpr const char* kTopic = "daemon.stopping";

  std::string reason;

  Poco::Dynamic::Var toVar() const {
    Poco::JSON::Object::Ptr event = new Poco::JSON::Object(true);
    event->set("reason", reason);
    return event;
  }
  static DaemonStoppingEvent fromVar(const Poco::Dynamic::Var& var) {
    return events_detail::readEvent(kTopic, var, [](const Payload& fields) {
      return DaemonStoppingEvent{fields.requiredString("reason")};
    });
  }
  bool operator==(const DaemonStoppingEvent&) const = default;
};

// ledger.changed: files of the ledger's checkout changed under a plugin's hands (the paths,
// relative to the checkout).
struct LedgerChangedEvent {
  static constexpr const char* kTopic = "ledger.changed";

  std::vector<std::string> paths;

  Poco::Dynamic::Var toVar() const {
    Poco::JSON::Object::Ptr event = new Poco::JSON::Object(true);
    event->set("paths", events_detail::stringList(paths));
    return event;
  }
  static LedgerChangedEvent fromVar(const Poco::Dynamic::Var& var) {
    return events_detail::readEvent(kTopic, var, [](const Payload& fields) {
      return LedgerChangedEvent{events_detail::requiredStrings(fields, "paths")};
    });
  }
  bool operator==(const LedgerChangedEvent&) const = default;
};

// What publish() and subscribe() accept: a struct of this header, or one like it.
template <typename Event>
concept BusEvent = requires(const Event& event, const Poco::Dynamic::Var& var) {
  { Event::kTopic } -> std::convertible_to<const char*>;
  { event.toVar() } -> std::convertible_to<Poco::Dynamic::Var>;
  { Event::fromVar(var) } -> std::same_as<Event>;
};

template <BusEvent Event>
void publish(Publisher& publisher, const Event& event) {
  publisher.publish(Event::kTopic, event.toVar());
}

// Registers `handler` for Event's topic (only inside Plugin::start()). A malformed event never
// reaches it: fromVar's BadEvent propagates to the host, which logs and counts it.
template <BusEvent Event>
void subscribe(Host& host, std::function<void(const Event&)> handler) {
  host.subscribe(Event::kTopic, [handler = std::move(handler)](const Poco::Dynamic::Var& var) {
    handler(Event::fromVar(var));
  });
}

}  // namespace oxd::sdk
