// ox's own wire formats: telemetry {"clientid", "events":[{uuid, ts, tslocal, event, props}]}
// and friction {"v", "events":[…]}, as the original ox CLI and daemon send them.
#pragma once

#include <string>
#include <vector>

#include "Friction.h"
#include "TelemetryEvent.h"

namespace oxd::telemetry {

std::string OxTelemetryBody(const std::string& client_id,
                            const std::vector<TelemetryEvent>& events);
std::string OxFrictionBody(const std::string& version, const std::vector<FrictionEvent>& events);

}  // namespace oxd::telemetry
