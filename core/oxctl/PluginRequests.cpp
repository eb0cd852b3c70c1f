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

std::string fieldText(const nlohmann::json& data, const char* key) {
  auto found = data.find(key);
  if (found == data.end() || !found->is_string() || found->get<std::string>().empty()) return "-";
  return found->get<std::string>();
}

std::string fieldNumber(const nlohmann::json& data, const char* key) {
  auto found = data.find(key);
  if (found == data.end() || !found->is_number()) return "0";
  return found->is_number_integer() ? std::to_string(found->get<std::int64_t>())
                                    : std::to_string(found->get<double>());
}

}  // namespace oxd::cli
