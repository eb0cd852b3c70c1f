// The whisper store's schema and its forward migrations. `schema_version` holds one row; each
// migration takes the database from version N-1 to N inside the caller's transaction, so a
// crash mid-migration leaves the old version intact. A database newer than this build knows is
// refused (opening it could corrupt what a newer oxd wrote).
#pragma once

#include <Poco/Data/Session.h>

namespace oxd::whisper {

inline constexpr int kSchemaVersion = 2;

// REQUIRES: a write transaction is open on `session`. Throws std::runtime_error for a database
// of a newer version.
void MigrateSchema(Poco::Data::Session& session);

}  // namespace oxd::whisper
