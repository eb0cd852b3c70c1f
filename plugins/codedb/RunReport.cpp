#include "RunReport.h"

namespace oxd::codedb {

sdk::CodedbIndexedEvent RunReport(const std::string& repo, bool full, const IndexReport& report) {
  const IndexCounters& counted = report.counters;
  auto count = [](std::uint64_t value) { return static_cast<std::int64_t>(value); };
  sdk::CodedbIndexedEvent event;
  event.repo = repo;
  event.full = full;
  event.ok = report.ok;
  event.cancelled = report.cancelled;
  if (!report.ok && !report.cancelled) event.error = report.error;
  // The Go daemon's CodeIndexResult. Symbols and comments come out of one scan of each blob, so
  // there is one time for both (scanning and storing): symbol_duration_ms; comment_duration_ms
  // is 0. index_duration_ms is the commits stage, which includes it.
  event.blobs_parsed = count(counted.blobs_indexed);
  event.symbols_extracted = count(counted.symbols);
  event.comments_extracted = count(counted.comments);
  event.index_duration_ms = static_cast<std::int64_t>(report.commits_ms);
  event.symbol_duration_ms = static_cast<std::int64_t>(counted.extract_ns / 1'000'000);
  event.comment_duration_ms = 0;
  event.total_duration_ms =
      static_cast<std::int64_t>(report.walk_ms + report.commits_ms + report.head_ms);
  // oxd's stages and counters.
  event.commits = count(counted.commits);
  event.blobs_new = count(counted.blobs_new);
  event.blobs_skipped = count(counted.blobs_skipped);
  event.bytes_indexed = count(counted.bytes_indexed);
  event.walk_ms = static_cast<std::int64_t>(report.walk_ms);
  event.commits_ms = static_cast<std::int64_t>(report.commits_ms);
  event.head_ms = static_cast<std::int64_t>(report.head_ms);
  return event;
}

}  // namespace oxd::codedb
