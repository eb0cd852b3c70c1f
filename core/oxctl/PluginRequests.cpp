#include "oxctl/PluginRequests.h"

#include "oxctl/Output.h"

namespace oxd::cli {

namespace {

void throwIfUnknown(const nlohmann::json& reply, std::string_view type, std::string_view missing) {
  auto error = reply.find("error");
  if (error != reply.end() && error->is_string() && *error == kUnknownMessageType) {
    throw CommandError(std::string(missing) + " (" + std::string(type) + ": " +
                       std::string(kUnknownMessageType) + "; oxctl plugins lists what is loaded)");
  }
}

}  // namespace

nlohmann::json requestPlugin(Invocation& invocation, std::string_view type,
                             std::optional<nlohmann::json> payload, std::string_view missing) {
  nlohmann::json reply = invocation.client().request(invocation.message(type, std::move(payload)),
                                                     kRequestIdleTimeout);
  throwIfUnknown(reply, type, missing);
  return reply;
}

Streamed streamRequest(Invocation& invocation, std::string_view type,
                       std::optional<nlohmann::json> payload, std::string_view missing,
                       const std::function<bool(const std::string& stage)>& is_outcome) {
  ProgressRenderer::Mode mode = ProgressRenderer::chooseMode(invocation.json);
  ProgressRenderer progress(mode);
  Streamed streamed;
  std::vector<ProgressUpdate> outcomes;
  nlohmann::json message = invocation.message(type, std::move(payload));
  streamed.reply =
      invocation.client().request(message, kRequestIdleTimeout, [&](const nlohmann::json& line) {
        progress.show(line);
        ProgressUpdate update = parseProgress(line);
        if (update.stage == "error") streamed.stage_failed = true;
        if (is_outcome && mode == ProgressRenderer::Mode::Terminal && is_outcome(update.stage)) {
          outcomes.push_back(std::move(update));
        }
      });
  progress.finish();
  if (invocation.json) printOut(streamed.reply.dump());
  throwIfUnknown(streamed.reply, type, missing);
  for (const ProgressUpdate& outcome : outcomes) printOut(plainProgressLine(outcome));
  return streamed;
}

}  // namespace oxd::cli
