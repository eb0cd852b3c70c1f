// The murmur relay after a pull, in process: 1,000 murmur files of teammates, freshly written
// (as a pull's checkout leaves them: in the page cache), relayed into a fresh ledger store —
// listing, reading, decoding, the relay marks and one transaction of 1,000 whispers.
//   original  the original's layout and schema: data/murmurs/<YYYY-MM-DD>/<HH>/<uuid>.json,
//             spread over the last 12 hours
//   oxd       oxd's earlier layout and schema: murmurs/<YYYY-MM-DD>/<id>.json
// Prints the median of --runs (default 15) for each, and the ratio. The source uses only the
// relay's and the store's interfaces, which did not change, so it builds against an older oxd
// too (tests/bench/murmur_relay_bench.sh does, for the baseline).
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "MurmurRelay.h"
#include "StoreSet.h"

namespace {

namespace fs = std::filesystem;
using oxd::whisper::Nanos;
constexpr Nanos kHour = 3600LL * 1'000'000'000;
constexpr int kMurmurs = 1000;

std::string Utc(Nanos time, const char* format) {
  std::time_t seconds = static_cast<std::time_t>(time / 1'000'000'000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, format, &utc);
  return buffer;
}

std::string Hex(unsigned value, int digits) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%0*x", digits, value);
  return buffer;
}

void Write(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << text;
}

// 1,000 murmurs of 10 teammates over the last 12 hours, in one layout.
void WriteMurmurs(const fs::path& checkout, bool original, Nanos now) {
  for (int i = 0; i < kMurmurs; ++i) {
    Nanos when = now - (static_cast<Nanos>(i) * 12 * kHour) / kMurmurs - 1'000'000'000;
    std::string stamp = Utc(when, "%Y-%m-%dT%H:%M:%SZ");
    std::string agent = "Mate" + std::to_string(i % 10);
    std::string content = "working on module " + std::to_string(i) + ": refactoring the parser";
    if (original) {
      std::string id = "0193" + Hex(i, 4) + "-0000-7000-8000-" + Hex(i, 12);
      Write(checkout / "data/murmurs" / Utc(when, "%Y-%m-%d") / Utc(when, "%H") / (id + ".json"),
            "{\n  \"schema_version\": \"1\",\n  \"id\": \"" + id + "\",\n  \"timestamp\": \"" +
                stamp + "\",\n  \"agent_id\": \"" + agent +
                "\",\n  \"agent_type\": \"claude-code\",\n  \"principal_id\": \"u_" + agent +
                "\",\n  \"principal_type\": \"human\",\n  \"topic\": \"parser\",\n"
                "  \"importance\": \"normal\",\n  \"content\": \"" +
                content + "\",\n  \"scope\": \"ledger\"\n}");
    } else {
      std::string id = "m_" + Hex(i, 20);
      Write(checkout / "murmurs" / Utc(when, "%Y-%m-%d") / (id + ".json"),
            "{\"version\":1,\"id\":\"" + id + "\",\"agent_id\":\"" + agent + "\",\"content\":\"" +
                content + "\",\"topics\":[\"parser\"],\"importance\":1,\"created_at\":\"" + stamp +
                "\"}");
    }
  }
}

double RelayOnceMs(const fs::path& root, bool original) {
  fs::remove_all(root);
  Nanos now = oxd::whisper::NowNanos();
  WriteMurmurs(root / "checkout", original, now);
  oxd::whisper::StoreSet stores(root / "stores", {}, nullptr);
  oxd::whisper::MurmurRelay relay([] { return std::set<std::string>{"Local1"}; },
                                  [](const std::string&) {});
  auto start = std::chrono::steady_clock::now();
  oxd::whisper::RelayOutcome outcome = relay.RelayFromPath(
      root / "checkout", *stores.Ledger(), [&stores] { return stores.NextCreatedAt(); }, now,
      24 * kHour);
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (outcome.relayed != kMurmurs) {
    std::fprintf(stderr, "relayed %d of %d (%s layout)\n", outcome.relayed, kMurmurs,
                 original ? "original" : "oxd");
    std::exit(1);
  }
  return ms;
}

double Median(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 15;
  std::string layouts = "both";  // both | original | oxd
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--runs") runs = std::max(1, std::atoi(argv[i + 1]));
    if (flag == "--layout") layouts = argv[i + 1];
  }
  char pattern[] = "/tmp/murmur-relay-bench-XXXXXX";
  fs::path root = mkdtemp(pattern);
  std::vector<double> original, oxd;
  for (int run = 0; run < runs; ++run) {  // interleaved: both see the same machine
    if (layouts != "oxd") original.push_back(RelayOnceMs(root / "run", true));
    if (layouts != "original") oxd.push_back(RelayOnceMs(root / "run", false));
  }
  fs::remove_all(root);
  if (!original.empty()) {
    std::printf("original layout: relay of %d murmurs, median %.1f ms over %d runs\n", kMurmurs,
                Median(original), runs);
  }
  if (!oxd.empty()) {
    std::printf("oxd layout:      relay of %d murmurs, median %.1f ms over %d runs\n", kMurmurs,
                Median(oxd), runs);
  }
  if (!original.empty() && !oxd.empty()) {
    std::printf("ratio original/oxd: %.2fx\n", Median(original) / Median(oxd));
  }
  return 0;
}
