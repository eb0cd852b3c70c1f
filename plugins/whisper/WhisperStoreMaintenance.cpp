// WhisperStore's maintenance: retention, the byte cap, integrity_check and VACUUM.
#include <Poco/Data/Statement.h>

#include <algorithm>

#include "Transactions.h"
#include "WhisperStore.h"

namespace oxd::whisper {

namespace {
using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using Poco::Data::Keywords::use;
using Int64 = Poco::Int64;
}  // namespace

std::int64_t WhisperStore::UsedBytes() {
  Int64 page_count = 0, free_pages = 0, page_size = 0;
  *session_ << "PRAGMA page_count", into(page_count), now;
  *session_ << "PRAGMA freelist_count", into(free_pages), now;
  *session_ << "PRAGMA page_size", into(page_size), now;
  return (page_count - free_pages) * page_size;
}

// Deletes the oldest entries, a share at a time sized by how far over the cap the store is,
// until the pages in use fit (or nothing is left).
std::int64_t WhisperStore::EnforceMaxBytes(std::int64_t max_bytes) {
  std::int64_t removed = 0;
  for (int round = 0; round < 64; ++round) {
    std::int64_t used = UsedBytes();
    if (used <= max_bytes) break;
    Int64 count = 0;
    *session_ << "SELECT COUNT(*) FROM whispers", into(count), now;
    if (count == 0) break;
    double excess = static_cast<double>(used - max_bytes) / static_cast<double>(used);
    Int64 batch = std::max<Int64>(1, static_cast<Int64>(count * excess) + count / 50);
    *session_ << "DELETE FROM whispers WHERE seq IN"
                 " (SELECT seq FROM whispers ORDER BY created_at LIMIT ?)",
        use(batch), now;
    removed += std::min(batch, count);
  }
  return removed;
}

MaintenanceReport WhisperStore::Maintain(Nanos now_nanos, Nanos entry_cutoff, Nanos relay_cutoff,
                                         std::int64_t max_bytes) {
  std::lock_guard lock(mutex_);
  Poco::Data::Session& db = *session_;
  MaintenanceReport report;
  report.size_before = FileBytes();
  Int64 cutoff = entry_cutoff, relay = relay_cutoff, stamp = now_nanos;
  {
    ImmediateTransaction transaction(*transactions_);
    Int64 before = 0, after = 0;
    db << "SELECT COUNT(*) FROM whispers", into(before), now;
    db << "DELETE FROM whispers WHERE created_at < ? OR (expires_at <> 0 AND expires_at <= ?)",
        use(cutoff), use(stamp), now;
    db << "DELETE FROM cursors WHERE updated_at < ?", use(cutoff), now;
    db << "DELETE FROM relayed_murmurs WHERE relayed_at < ?", use(relay), now;
    if (max_bytes > 0) EnforceMaxBytes(max_bytes);
    db << "SELECT COUNT(*) FROM whispers", into(after), now;
    report.pruned = before - after;
    transaction.Commit();
  }
  std::vector<std::string> problems;
  db << "PRAGMA integrity_check", into(problems), now;
  report.integrity = problems.empty() ? "no answer" : problems.front();
  Int64 page_count = 0, free_pages = 0;
  db << "PRAGMA page_count", into(page_count), now;
  db << "PRAGMA freelist_count", into(free_pages), now;
  if (report.integrity == "ok" && page_count > 16 && free_pages * 4 >= page_count) {
    db << "VACUUM", now;
    report.vacuumed = true;
  }
  TruncateWal();
  report.size_after = FileBytes();
  RefreshCache();
  return report;
}

std::string WhisperStore::IntegrityCheck() {
  std::lock_guard lock(mutex_);
  std::vector<std::string> problems;
  *session_ << "PRAGMA integrity_check", into(problems), now;
  if (problems.empty()) return "no answer";
  return problems.front();
}

}  // namespace oxd::whisper
