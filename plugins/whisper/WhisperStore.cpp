#include "WhisperStore.h"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SQLite/SQLiteException.h>
#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Data/Statement.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/UUIDGenerator.h>

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <sstream>
#include <system_error>
#include <thread>

#include "Schema.h"
#include "Transactions.h"

namespace oxd::whisper {

namespace {

using Poco::Data::Keywords::bind;
using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using Poco::Data::Keywords::use;
using Int64 = Poco::Int64;

const std::string kColumns =
    "SELECT id, source, target_agent, author_agent, topic, importance, content, created_at,"
    " expires_at, type, principal_id, principal_type, metadata FROM whispers ";

// Metadata is a JSON object of strings in one column; '' when there is none (most entries), so
// the common row costs no JSON parse.
std::string MetadataText(const std::map<std::string, std::string>& metadata) {
  if (metadata.empty()) return {};
  Poco::JSON::Object object(true);
  for (const auto& [key, value] : metadata) object.set(key, value);
  std::ostringstream out;
  object.stringify(out);
  return out.str();
}

std::map<std::string, std::string> ParseMetadata(const std::string& text) {
  std::map<std::string, std::string> metadata;
  if (text.empty()) return metadata;
  try {
    auto object = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
    for (const auto& [key, value] : *object) {
      if (value.isString()) metadata[key] = value.convert<std::string>();
    }
  } catch (const std::exception&) {  // written by this class: never expected; show none
  }
  return metadata;
}

std::string NewEntryId() {
  std::string uuid = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
  uuid.erase(std::remove(uuid.begin(), uuid.end(), '-'), uuid.end());
  return "w_" + uuid.substr(0, 20);
}

}  // namespace

bool IsCorruption(const std::exception& error) {
  if (dynamic_cast<const StoreCorrupt*>(&error)) return true;
  if (dynamic_cast<const Poco::Data::SQLite::CorruptImageException*>(&error)) return true;
  const auto* poco = dynamic_cast<const Poco::Exception*>(&error);
  std::string text = poco ? poco->displayText() : error.what();
  return text.find("not a database") != std::string::npos ||
         text.find("malformed") != std::string::npos;
}

struct WhisperStore::RequestStatements {
  explicit RequestStatements(sqlite3* db)
      : poll(db,
             "SELECT COALESCE((SELECT delivered_through FROM cursors WHERE agent_id = ?), -1),"
             " COALESCE((SELECT MAX(created_at) FROM whispers), 0)"),
        cursor(db, "SELECT delivered_through FROM cursors WHERE agent_id = ?"),
        pending(db, kColumns +
                        "WHERE created_at > ?1 AND (target_agent = '' OR target_agent = ?2)"
                        " AND author_agent <> ?2 AND (expires_at = 0 OR expires_at > ?3)"
                        " ORDER BY created_at"),
        newest(db, "SELECT COALESCE(MAX(created_at), 0) FROM whispers"),
        move_cursor(db,
                    "INSERT INTO cursors (agent_id, delivered_through, updated_at) VALUES (?, ?, ?)"
                    " ON CONFLICT(agent_id) DO UPDATE SET"
                    " delivered_through = MAX(delivered_through, excluded.delivered_through),"
                    " updated_at = excluded.updated_at"),
        insert(db,
               "INSERT INTO whispers (id, source, target_agent, author_agent, topic, importance,"
               " content, created_at, expires_at, type, principal_id, principal_type, metadata)"
               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        mark_relayed(db,
                     "INSERT OR IGNORE INTO relayed_murmurs (murmur_id, relayed_at) VALUES (?, ?)"),
        page_all(db, kColumns + "WHERE created_at < ? ORDER BY created_at DESC LIMIT ?"),
        page_agent(db, kColumns +
                           "WHERE created_at < ?1 AND (target_agent = '' OR target_agent = ?2)"
                           " AND author_agent <> ?2 ORDER BY created_at DESC LIMIT ?3") {}
  CachedStatement poll, cursor, pending, newest, move_cursor, insert, mark_relayed, page_all,
      page_agent;
};

std::unique_ptr<WhisperStore> WhisperStore::Open(StoreIdentity identity) {
  static std::once_flag registered;
  std::call_once(registered, [] { Poco::Data::SQLite::Connector::registerConnector(); });
  std::filesystem::create_directories(identity.path.parent_path());
  try {
    auto session = std::make_unique<Poco::Data::Session>("SQLite", identity.path.string());
    Poco::Data::Session& db = *session;
    db << "PRAGMA busy_timeout = 5000", now;
    std::string mode;
    db << "PRAGMA journal_mode = WAL", into(mode), now;
    if (mode != "wal") throw std::runtime_error("journal_mode WAL refused (" + mode + ")");
    db << "PRAGMA synchronous = FULL", now;
    std::vector<std::string> quick;
    db << "PRAGMA quick_check", into(quick), now;
    if (quick.size() != 1 || quick.front() != "ok") {
      throw StoreCorrupt("quick_check: " + (quick.empty() ? std::string("no answer") : quick[0]));
    }
    {
      TransactionStatements statements(Poco::Data::SQLite::Utility::dbHandle(db));
      ImmediateTransaction transaction(statements);
      MigrateSchema(db);
      transaction.Commit();
    }
    return std::unique_ptr<WhisperStore>(new WhisperStore(std::move(identity), std::move(session)));
  } catch (const Poco::Exception& error) {
    if (IsCorruption(error)) throw StoreCorrupt(error.displayText());
    throw std::runtime_error(identity.path.string() + ": " + error.displayText());
  }
}

WhisperStore::WhisperStore(StoreIdentity identity, std::unique_ptr<Poco::Data::Session> session)
    : identity_(std::move(identity)),
      checkpointer_(std::make_unique<WalCheckpointer>(identity_.path)),
      session_(std::move(session)) {
  sqlite3* connection = Poco::Data::SQLite::Utility::dbHandle(*session_);
  checkpointer_->Attach(connection);
  transactions_ = std::make_unique<TransactionStatements>(connection);
  requests_ = std::make_unique<RequestStatements>(connection);
  std::lock_guard lock(mutex_);
  RefreshCache();
}

void WhisperStore::RefreshCache() {
  Int64 count = 0;
  std::vector<std::string> agents;
  *session_ << "SELECT COUNT(*) FROM whispers", into(count), now;
  *session_ << "SELECT agent_id FROM cursors", into(agents), now;
  std::lock_guard cache(cache_mutex_);
  cached_entries_ = count;
  cached_cursor_agents_ = {agents.begin(), agents.end()};
}

std::int64_t WhisperStore::CachedEntryCount() const {
  std::lock_guard cache(cache_mutex_);
  return cached_entries_;
}

std::set<std::string> WhisperStore::CachedAgentsWithCursors() const {
  std::lock_guard cache(cache_mutex_);
  return cached_cursor_agents_;
}

void WhisperStore::TruncateWal() {
  // The store's checkpointer may be in the middle of a PASSIVE checkpoint: SQLite then answers
  // busy (a row, not an error) instead of waiting. It is done within milliseconds.
  for (int attempt = 0; attempt < 500; ++attempt) {
    Int64 busy = 0, log = 0, done = 0;
    *session_ << "PRAGMA wal_checkpoint(TRUNCATE)", into(busy), into(log), into(done), now;
    if (busy == 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

WhisperStore::~WhisperStore() {
  std::lock_guard lock(mutex_);
  try {
    sqlite3_wal_hook(Poco::Data::SQLite::Utility::dbHandle(*session_), nullptr, nullptr);
    checkpointer_.reset();
    requests_.reset();
    transactions_.reset();
    // Folds the WAL into the database so a copy of the file alone is complete.
    TruncateWal();
    session_->close();
  } catch (...) {  // closing a broken connection: nothing left to save
  }
}

void WhisperStore::Append(std::vector<WhisperEntry>& entries, const CreatedAtClock& clock,
                          const std::vector<std::string>& relayed_murmur_ids) {
  std::lock_guard lock(mutex_);
  ImmediateTransaction transaction(*transactions_);
  for (WhisperEntry& entry : entries) {
    entry.scope = identity_.scope;
    entry.team_id = identity_.team_id;
    if (entry.id.empty()) entry.id = NewEntryId();
    entry.created_at = clock();
    if (entry.type.empty()) entry.type = TypeForSource(entry.source);
    std::string metadata = MetadataText(entry.metadata);
    CachedStatement::Run insert(requests_->insert);
    insert.Bind(entry.id).Bind(entry.source).Bind(entry.agent_id).Bind(entry.author_agent_id);
    insert.Bind(entry.topic).Bind(entry.importance).Bind(entry.content).Bind(entry.created_at);
    insert.Bind(entry.expires_at).Bind(entry.type).Bind(entry.principal_id);
    insert.Bind(entry.principal_type).Bind(metadata).StepToEnd();
  }
  std::int64_t relayed_at = NowNanos();
  for (const std::string& murmur_id : relayed_murmur_ids) {
    CachedStatement::Run(requests_->mark_relayed).Bind(murmur_id).Bind(relayed_at).StepToEnd();
  }
  transaction.Commit();
  std::lock_guard cache(cache_mutex_);
  cached_entries_ += static_cast<std::int64_t>(entries.size());
}

WhisperEntry WhisperStore::ReadEntry(const CachedStatement::Run& row) const {
  WhisperEntry entry;
  entry.id = row.Text(0);
  entry.scope = identity_.scope;
  entry.team_id = identity_.team_id;
  entry.source = row.Text(1);
  entry.agent_id = row.Text(2);
  entry.author_agent_id = row.Text(3);
  entry.topic = row.Text(4);
  entry.importance = static_cast<int>(row.Int64(5));
  entry.content = row.Text(6);
  entry.created_at = row.Int64(7);
  entry.expires_at = row.Int64(8);
  entry.type = row.Text(9);
  entry.principal_id = row.Text(10);
  entry.principal_type = row.Text(11);
  entry.metadata = ParseMetadata(row.Text(12));
  return entry;
}

DeliveryResult WhisperStore::Deliver(const std::string& agent_id, const DeliveryFilter& filter,
                                     Nanos now_nanos, Nanos new_agent_floor) {
  std::lock_guard lock(mutex_);
  RequestStatements& statements = *requests_;
  // Reads only, no transaction: the mutex keeps any append of this process out until we return,
  // and the store has no other writer. The common poll finds nothing new in one read.
  {
    CachedStatement::Run poll(statements.poll);
    poll.Bind(agent_id).Step();
    std::int64_t known_cursor = poll.Int64(0), newest_entry = poll.Int64(1);
    if (known_cursor >= 0 && newest_entry <= known_cursor) return {};
  }
  std::optional<Nanos> cursor;
  {
    CachedStatement::Run read(statements.cursor);
    if (read.Bind(agent_id).Step()) cursor = read.Int64(0);
  }
  Nanos through = cursor.value_or(new_agent_floor);
  DeliveryResult result;
  {
    CachedStatement::Run pending(statements.pending);
    pending.Bind(through).Bind(agent_id).Bind(now_nanos);
    while (pending.Step()) {
      ++result.considered;
      WhisperEntry entry = ReadEntry(pending);
      if (filter.Passes(entry)) result.entries.push_back(std::move(entry));
    }
  }
  // Everything up to the newest entry has now been considered for this agent, including what
  // was meant for others: once delivered, the next call starts after it.
  Nanos advanced = through;
  {
    CachedStatement::Run newest(statements.newest);
    if (newest.Step()) advanced = std::max(through, newest.Int64(0));
  }
  if (!cursor || advanced != through) result.advance_to = advanced;
  return result;
}

void WhisperStore::Advance(const std::string& agent_id, Nanos through, Nanos now_nanos) {
  std::lock_guard lock(mutex_);
  // A cursor move is committed without its own fsync: in WAL mode that survives a crash of
  // the process (the frames are in the OS before COMMIT returns) and becomes power-cut proof
  // with the next append, whose FULL commit syncs the whole WAL. Only a power cut in between
  // can hand an agent the same whispers again; no crash can.
  RelaxedSync relaxed(*transactions_);
  ImmediateTransaction transaction(*transactions_);
  CachedStatement::Run(requests_->move_cursor)
      .Bind(agent_id)
      .Bind(through)
      .Bind(now_nanos)
      .StepToEnd();
  transaction.Commit();
  std::lock_guard cache(cache_mutex_);
  cached_cursor_agents_.insert(agent_id);
}

std::vector<WhisperEntry> WhisperStore::Page(const std::string& agent_id, Nanos before, int limit) {
  std::lock_guard lock(mutex_);
  Nanos bound = before == 0 ? std::numeric_limits<Nanos>::max() : before;
  CachedStatement::Run page(agent_id.empty() ? requests_->page_all : requests_->page_agent);
  page.Bind(bound);
  if (!agent_id.empty()) page.Bind(agent_id);
  page.Bind(limit);
  std::vector<WhisperEntry> entries;
  while (page.Step()) entries.push_back(ReadEntry(page));
  return entries;
}

std::optional<Nanos> WhisperStore::Cursor(const std::string& agent_id) {
  std::lock_guard lock(mutex_);
  std::vector<Int64> cursor;
  *session_ << "SELECT delivered_through FROM cursors WHERE agent_id = ?", into(cursor),
      bind(agent_id), now;
  if (cursor.empty()) return std::nullopt;
  return cursor.front();
}

std::vector<std::string> WhisperStore::AgentsWithCursors() {
  std::lock_guard lock(mutex_);
  std::vector<std::string> agents;
  *session_ << "SELECT agent_id FROM cursors ORDER BY agent_id", into(agents), now;
  return agents;
}

bool WhisperStore::IsRelayed(const std::string& murmur_id) {
  std::lock_guard lock(mutex_);
  std::vector<Int64> found;
  *session_ << "SELECT relayed_at FROM relayed_murmurs WHERE murmur_id = ?", into(found),
      bind(murmur_id), now;
  return !found.empty();
}

Nanos WhisperStore::NewestCreatedAt() {
  std::lock_guard lock(mutex_);
  std::vector<Int64> newest;
  *session_ << "SELECT COALESCE(MAX(created_at), 0) FROM whispers", into(newest), now;
  return newest.empty() ? 0 : newest.front();
}

std::int64_t WhisperStore::EntryCount() {
  std::lock_guard lock(mutex_);
  Int64 count = 0;
  *session_ << "SELECT COUNT(*) FROM whispers", into(count), now;
  return count;
}

std::int64_t WhisperStore::FileBytes() const {
  std::int64_t total = 0;
  for (const char* suffix : {"", "-wal"}) {
    std::error_code error;
    auto size = std::filesystem::file_size(identity_.path.string() + suffix, error);
    if (!error) total += static_cast<std::int64_t>(size);
  }
  return total;
}

Nanos WhisperStore::LastTargeted(const std::string& source, const std::string& agent_id) {
  std::lock_guard lock(mutex_);
  Int64 last = 0;
  *session_ << "SELECT COALESCE(MAX(created_at), 0) FROM whispers WHERE source = ? AND"
               " target_agent = ?",
      into(last), bind(source), bind(agent_id), now;
  return last;
}

Nanos WhisperStore::LastAuthored(const std::string& source, const std::string& agent_id) {
  std::lock_guard lock(mutex_);
  Int64 last = 0;
  *session_ << "SELECT COALESCE(MAX(created_at), 0) FROM whispers WHERE author_agent = ? AND"
               " source = ?",
      into(last), bind(agent_id), bind(source), now;
  return last;
}

void WhisperStore::NoteAgent(const std::string& agent_id, Nanos seen) {
  std::lock_guard lock(mutex_);
  Int64 stamp = seen;
  *session_
      << "INSERT INTO agents (agent_id, first_seen, last_seen) VALUES (?, ?, ?)"
         " ON CONFLICT(agent_id) DO UPDATE SET last_seen = MAX(last_seen, excluded.last_seen)",
      bind(agent_id), use(stamp), use(stamp), now;
}

std::map<std::string, Nanos> WhisperStore::AgentsFirstSeen() {
  std::lock_guard lock(mutex_);
  std::vector<std::string> agents;
  std::vector<Int64> first_seen;
  *session_ << "SELECT agent_id, first_seen FROM agents", into(agents), into(first_seen), now;
  std::map<std::string, Nanos> out;
  for (std::size_t i = 0; i < agents.size(); ++i) out[agents[i]] = first_seen[i];
  return out;
}

bool WhisperStore::KnowsAgent(const std::string& agent_id) {
  std::lock_guard lock(mutex_);
  Int64 count = 0;
  *session_ << "SELECT (SELECT COUNT(*) FROM agents WHERE agent_id = ?) +"
               " (SELECT COUNT(*) FROM cursors WHERE agent_id = ?)",
      into(count), bind(agent_id), bind(agent_id), now;
  return count > 0;
}

void WhisperStore::SetMurmurPaused(const std::string& agent_id, bool paused, Nanos now_nanos) {
  std::lock_guard lock(mutex_);
  Int64 stamp = now_nanos;
  int flag = paused ? 1 : 0;
  *session_ << "INSERT INTO agents (agent_id, first_seen, last_seen, murmur_paused)"
               " VALUES (?, ?, ?, ?)"
               " ON CONFLICT(agent_id) DO UPDATE SET murmur_paused = excluded.murmur_paused",
      bind(agent_id), use(stamp), use(stamp), use(flag), now;
}

std::set<std::string> WhisperStore::MurmurPausedAgents() {
  std::lock_guard lock(mutex_);
  std::vector<std::string> agents;
  *session_ << "SELECT agent_id FROM agents WHERE murmur_paused = 1", into(agents), now;
  return {agents.begin(), agents.end()};
}

std::optional<std::string> WhisperStore::Meta(const std::string& key) {
  std::lock_guard lock(mutex_);
  std::vector<std::string> values;
  *session_ << "SELECT value FROM meta WHERE key = ?", into(values), bind(key), now;
  if (values.empty()) return std::nullopt;
  return values.front();
}

void WhisperStore::SetMeta(const std::string& key, const std::string& value) {
  std::lock_guard lock(mutex_);
  *session_ << "INSERT INTO meta (key, value) VALUES (?, ?)"
               " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      bind(key), bind(value), now;
}

}  // namespace oxd::whisper
