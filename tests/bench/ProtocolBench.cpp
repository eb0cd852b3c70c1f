// Micro-benchmarks of the IPC hot path's CPU share: decoding a ping line, encoding its reply.
#include "ipc/Protocol.h"

#include <benchmark/benchmark.h>

namespace {

void BM_DecodePing(benchmark::State& state) {
  const std::string line = R"({"type":"ping","workspace_id":"3f9c0a1e"})";
  for (auto _ : state) benchmark::DoNotOptimize(oxd::core::decodeRequest(line));
}
BENCHMARK(BM_DecodePing);

void BM_DecodeHeartbeat(benchmark::State& state) {
  const std::string line =
      R"({"type":"heartbeat","workspace_id":"3f9c0a1e","payload":{"repo_path":"/home/ana/proj",)"
      R"("agent_id":"Oxa7b3","team_ids":["team_42"],"credentials":{"token":"glpat-x",)"
      R"("server_url":"https://git.sageox.ai","expires_at":"2026-04-01T00:00:00Z"},)"
      R"("timestamp":"2026-03-12T11:09:05.120431-07:00","cli_version":"0.3.0"}})";
  for (auto _ : state) benchmark::DoNotOptimize(oxd::core::decodeRequest(line));
}
BENCHMARK(BM_DecodeHeartbeat);

void BM_EncodePong(benchmark::State& state) {
  const auto reply = oxd::sdk::Reply::ok("pong");
  for (auto _ : state) benchmark::DoNotOptimize(oxd::core::encodeReply(reply));
}
BENCHMARK(BM_EncodePong);

}  // namespace
