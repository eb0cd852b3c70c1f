// An index run as the codedb.indexed event (<oxd/events.h>): the code_index reply carries the
// same object (CodeIndexResult of the Go daemon, plus oxd's own fields).
#pragma once

#include <oxd/events.h>

#include <string>

#include "index/HistoryIndexer.h"

namespace oxd::codedb {

sdk::CodedbIndexedEvent RunReport(const std::string& repo, bool full, const IndexReport& report);

}  // namespace oxd::codedb
