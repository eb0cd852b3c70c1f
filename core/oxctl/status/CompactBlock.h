#pragma once
// The compact block (docs/behavior.md#oxctl-status), shared by the compact and the verbose
// view. Internal to core/oxctl/status.

#include <string>

#include "oxctl/status/Render.h"

namespace oxd::cli::status {

// `verbose` adds the GC age to team rows, lists every agent and prints plugin errors in full.
std::string compactBlock(const StatusView& view, const RenderContext& context, bool verbose);

}  // namespace oxd::cli::status
