#include "Messages.h"

#include <Poco/JSON/Object.h>

#include <stdexcept>

#include "SyncStatus.h"

namespace oxd::sync {

namespace {

using sdk::Reply;
using sdk::Request;

StageSink ToClient(sdk::Progress& progress) {
  return [&progress](std::string_view stage, std::string_view message) {
    progress.stage(stage, message);
  };
}

}  // namespace

void RegisterMessages(sdk::Host& host, SyncEngine& engine, Checkout& checkout,
                      const SyncHistory& history) {
  host.handle("sync", [&engine](const Request&, sdk::Progress& progress) {
    if (auto error = engine.SyncLedger(SyncMode::kManual, ToClient(progress))) {
      return Reply::fail(*error);
    }
    return Reply::ok();
  });
  host.handle("team_sync", [&engine](const Request&, sdk::Progress& progress) {
    engine.SyncTeams(SyncMode::kManual, ToClient(progress));
    return Reply::ok();
  });
  host.handle("sync_history", [&history](const Request&, sdk::Progress&) {
    return Reply::ok(HistoryJson(history));
  });
  host.handle("checkout", [&checkout](const Request& request, sdk::Progress& progress) {
    try {
      return Reply::ok(checkout.Run(CheckoutRequest::Parse(request.payload), progress));
    } catch (const std::exception& error) {
      return Reply::fail(error.what());
    }
  });
  host.doctor([&engine] {
    Poco::JSON::Object::Ptr data = new Poco::JSON::Object(true);
    data->set("anti_entropy_triggered", true);
    // A user asked: clone backoff does not hold them back.
    data->set("clones_triggered", engine.AntiEntropy(false));
    return Poco::Dynamic::Var(data);
  });
}

}  // namespace oxd::sync
