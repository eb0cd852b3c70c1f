// Redaction throughput (libs/redact) on a transcript shaped like Claude Code's JSONL: user and
// assistant turns, tool results carrying this repository's own source files (code, docs: words
// like token and password in every shape), a base64 image now and then, usage records, and one
// planted secret every ~200 lines. Beside it, std::regex doing a subset of the same work on the
// same bytes: the reason the library is a hand-written scanner (tests/bench/README.md).
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "FakeSecrets.h"
#include "redact/Redact.h"

namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

std::vector<std::string> SourceTexts() {
  std::vector<std::string> texts;
  for (const auto& entry : fs::recursive_directory_iterator(OXD_SOURCE_DIR)) {
    std::string path = entry.path().string();
    if (path.find("/build") != std::string::npos || path.find("/.git") != std::string::npos) {
      continue;
    }
    std::string ext = entry.path().extension().string();
    if (!entry.is_regular_file() || (ext != ".cpp" && ext != ".h" && ext != ".md")) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    texts.push_back(bytes.str());
  }
  return texts;
}

// About `size` bytes of transcript, the same every run.
std::string Transcript(std::size_t size) {
  static const std::vector<std::string> sources = SourceTexts();
  const std::vector<oxd::testing::FakeSecret> secrets = oxd::testing::FakeSecretCorpus();
  const std::string image =
      oxd::testing::FakeChars(std::string(oxd::testing::kFakeAlnum) + "+/", 200 * 1024, 7);
  std::string out;
  for (std::size_t n = 0; out.size() < size; ++n) {
    json line;
    std::string uuid = "0190f5b8-3c2a-7d4e-9a61-" + std::to_string(100000000000 + n);
    if (n % 200 == 17) {
      line = {{"type", "user"},
              {"uuid", uuid},
              {"message", {{"content", secrets[n % secrets.size()].text}}}};
    } else if (n % 500 == 3) {
      line = {{"type", "user"},
              {"uuid", uuid},
              {"message",
               {{"content",
                 {{{"type", "image"}, {"source", {{"type", "base64"}, {"data", image}}}}}}}}};
    } else if (n % 3 == 0) {
      line = {{"type", "user"},
              {"uuid", uuid},
              {"toolUseResult",
               {{"stdout", sources[n % sources.size()]}, {"stderr", ""}, {"interrupted", false}}}};
    } else {
      const std::string& source = sources[(n * 7) % sources.size()];
      line = {{"type", "assistant"},
              {"uuid", uuid},
              {"message",
               {{"content", {{{"type", "text"}, {"text", source.substr(0, 2000)}}}},
                {"usage", {{"input_tokens", 1234 + n}, {"output_tokens", 87}}}}}};
    }
    out += line.dump() + "\n";
  }
  return out;
}

void BM_Redact(benchmark::State& state) {
  const std::string text = Transcript(static_cast<std::size_t>(state.range(0)) << 20);
  std::size_t redacted = 0;
  for (auto _ : state) {
    oxd::redact::Counts counts;
    std::string out = oxd::redact::Redact(text, &counts);
    benchmark::DoNotOptimize(out.data());
    redacted = counts.Total();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.counters["secrets"] = static_cast<double>(redacted);
}
BENCHMARK(BM_Redact)->Arg(10)->Arg(50)->Unit(benchmark::kMillisecond);

// What session_finalize runs: 64 KiB chunks through StreamRedactor.
void BM_StreamRedactor(benchmark::State& state) {
  const std::string text = Transcript(static_cast<std::size_t>(state.range(0)) << 20);
  for (auto _ : state) {
    std::size_t written = 0;
    oxd::redact::StreamRedactor redactor([&](std::string_view bytes) { written += bytes.size(); });
    for (std::size_t at = 0; at < text.size(); at += 64 * 1024) {
      redactor.Write(std::string_view(text).substr(at, 64 * 1024));
    }
    redactor.Finish();
    benchmark::DoNotOptimize(written);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_StreamRedactor)->Arg(10)->Arg(50)->Unit(benchmark::kMillisecond);

// The baseline: six of the library's ~20 rules as std::regex (ECMAScript), applied in turn.
void BM_StdRegexSixRules(benchmark::State& state) {
  const std::string text = Transcript(static_cast<std::size_t>(state.range(0)) << 20);
  const std::vector<std::pair<std::regex, std::string>> rules = {
      {std::regex("gh[pousr]_[A-Za-z0-9]{36,}"), "[REDACTED_GITHUB_TOKEN]"},
      {std::regex("AKIA[0-9A-Z]{16}"), "[REDACTED_AWS_KEY]"},
      {std::regex("sk-[A-Za-z0-9_-]{20,}"), "[REDACTED_OPENAI_KEY]"},
      {std::regex("xox[abprs]-[A-Za-z0-9-]{10,}"), "[REDACTED_SLACK_TOKEN]"},
      {std::regex("eyJ[A-Za-z0-9_-]+\\.eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*"), "[REDACTED_JWT]"},
      {std::regex("(password|passwd|secret|token|api_key)([\"']?\\s*[:=]\\s*[\"']?)[^\"'\\s,;&]+",
                  std::regex::icase),
       "$1$2[REDACTED]"},
  };
  for (auto _ : state) {
    std::string out = text;
    for (const auto& [pattern, marker] : rules) out = std::regex_replace(out, pattern, marker);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_StdRegexSixRules)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
