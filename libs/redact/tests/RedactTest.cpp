// The redaction library on a corpus of realistic (fake) token shapes, as raw text and inside JSON
// lines, on text that must come through unchanged, and streamed in chunks of every size.
#include "redact/Redact.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "FakeSecrets.h"

namespace oxd::redact {
namespace {

using json = nlohmann::json;
using oxd::testing::FakeChars;
using oxd::testing::FakeSecret;
using oxd::testing::FakeSecretCorpus;
using oxd::testing::kFakeAlnum;

std::string Streamed(const std::string& text, std::size_t chunk) {
  std::string out;
  StreamRedactor redactor([&](std::string_view part) { out.append(part); });
  for (std::size_t at = 0; at < text.size(); at += chunk) {
    redactor.Write(std::string_view(text).substr(at, chunk));
  }
  redactor.Finish();
  return out;
}

TEST(RedactTest, EveryShapeInTheCorpusIsReplacedByItsMarkerAndNothingElseChanges) {
  std::vector<FakeSecret> corpus = FakeSecretCorpus();
  ASSERT_GE(corpus.size(), 20u);
  for (const FakeSecret& planted : corpus) {
    Counts counts;
    std::string out = Redact(planted.text, &counts);
    EXPECT_EQ(out, planted.Redacted()) << planted.name;
    EXPECT_EQ(out.find(planted.secret), std::string::npos) << planted.name;
    EXPECT_EQ(counts.Total(), 1u) << planted.name << ": " << out;
  }
}

TEST(RedactTest, InsideJsonStringsEveryLineStillParsesAndReadsAsTheRedactedText) {
  // A transcript line per secret, the secret inside a string as a JSON writer escapes it, and a
  // second time inside a JSON document that is itself a string (a tool's JSON output).
  for (const FakeSecret& planted : FakeSecretCorpus()) {
    json line = {{"type", "assistant"},
                 {"message", {{"content", {{{"type", "text"}, {"text", planted.text}}}}}},
                 {"toolUseResult", json({{"stdout", planted.text}}).dump()}};
    std::string redacted = Redact(line.dump() + "\n");
    ASSERT_EQ(redacted.back(), '\n');
    json parsed;
    ASSERT_NO_THROW(parsed = json::parse(redacted)) << planted.name << ": " << redacted;
    EXPECT_EQ(parsed["message"]["content"][0]["text"], planted.Redacted()) << planted.name;
    json inner;
    ASSERT_NO_THROW(inner = json::parse(parsed["toolUseResult"].get<std::string>()))
        << planted.name << ": " << redacted;
    EXPECT_EQ(inner["stdout"], planted.Redacted()) << planted.name;
    EXPECT_EQ(redacted.find(planted.secret), std::string::npos) << planted.name;
  }
}

TEST(RedactTest, AWriterThatEscapesSlashesDoesNotCutABase64SecretInHalf) {
  std::string secret =
      FakeChars(std::string(kFakeAlnum), 18, 40) + "/" + FakeChars(std::string(kFakeAlnum), 21, 41);
  std::string escaped = secret;
  escaped.replace(escaped.find('/'), 1, "\\/");
  std::string line = "{\"text\":\"aws_secret_access_key=" + escaped + " ok\"}";
  EXPECT_EQ(Redact(line), "{\"text\":\"aws_secret_access_key=[REDACTED_AWS_SECRET] ok\"}");
}

TEST(RedactTest, ATokenOfAKnownShapeKeepsItsOwnMarkerWhereverItIsAssigned) {
  std::string token = "gh" + std::string("p_") + FakeChars(std::string(kFakeAlnum), 36, 42);
  EXPECT_EQ(Redact("Authorization: token " + token),
            "Authorization: token [REDACTED_GITHUB_TOKEN]");
  EXPECT_EQ(Redact("{\"github_token\":\"" + token + "\"}"),
            "{\"github_token\":\"[REDACTED_GITHUB_TOKEN]\"}");
}

TEST(RedactTest, AUrlWhoseSlashesAreEscapedStillLosesItsPassword) {
  EXPECT_EQ(Redact("{\"url\":\"https:\\/\\/ana:S3cret-pw@git.example.test\\/app\"}"),
            "{\"url\":\"https:\\/\\/[REDACTED_URL_WITH_CREDENTIALS]@git.example.test\\/app\"}");
}

TEST(RedactTest, LookAlikesAndOrdinaryTextComeThroughUnchanged) {
  const std::string sha = "9fceb02d0ae598e95dc970b74767f19372d61af8";
  const std::string png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk" +
                          FakeChars(std::string(kFakeAlnum) + "+/", 4000, 50) + "==";
  const std::vector<std::string> untouched = {
      "commit " + sha + " (HEAD -> main)",
      "{\"sessionId\":\"0190f5b8-3c2a-7d4e-9a61-2b7c8d9e0f12\",\"parentUuid\":null}",
      "passwordless login via WebAuthn; the tokenizer splits on whitespace",
      "{\"usage\":{\"input_tokens\":1234,\"max_tokens\":4096,\"token_count\":17}}",
      "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"data\":\"" + png + "\"}}",
      "the server uses Bearer authentication over TLS",
      "interface Login { password: string; token?: Token }",
      "token = self.token; password = getpass(); secret = os.environ[\"SECRET\"]",
      "if password == expected: return",
      "curl -H \"Authorization: Bearer $GITHUB_TOKEN\" https://api.github.test",
      "password: ${{ secrets.DB_PASSWORD }} and token: <your token here>",
      "{\"password\": null, \"token\": true, \"secret\": \"\"}",
      "git clone ssh://git@github.test/acme/app.git; open https://ana@example.test/x",
      "ask for a task-based sk-learn pipeline, then skim AKIA docs",
      "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ\n-----END CERTIFICATE-----",
      "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----",
      "std::string password_hash; int secret_len = 4; // token: see below",
      "https://example.test:8443/path?q=1#frag and http://[::1]:80/",
  };
  for (const std::string& text : untouched) {
    Counts counts;
    EXPECT_EQ(Redact(text, &counts), text);
    EXPECT_EQ(counts.Total(), 0u) << text;
  }
}

// Random text from the pieces the rules look for (names, operators, quotes, backslashes, key
// headers, URLs, tokens), put in JSON once or twice over: every redacted line must still parse.
TEST(RedactTest, NoMixOfRulePiecesEverBreaksAJsonLine) {
  std::vector<std::string> pieces = {"password",
                                     "token",
                                     "api_key",
                                     "Authorization",
                                     "Bearer ",
                                     "Basic ",
                                     "secret",
                                     "=",
                                     ": ",
                                     ":",
                                     "\"",
                                     "'",
                                     "\\",
                                     "\\\"",
                                     "\n",
                                     " ",
                                     "https://",
                                     "ana:pw@",
                                     "@",
                                     "/",
                                     "-----BEGIN RSA PRIVATE KEY-----",
                                     "-----END RSA PRIVATE KEY-----",
                                     "MIIEpAIBAAKCAQEA",
                                     "eyJhbGciOiJIUzI1NiJ9.",
                                     "eyJzdWIiOiIxIn0.",
                                     "AKIA",
                                     "ABCDEFGHIJKLMNOP",
                                     "ghp_",
                                     "xoxb-",
                                     "sk-ant-",
                                     "\u00e9",
                                     "Zx9Yw8Vu7Ts6Rq5Po4Nm",
                                     "{",
                                     "}",
                                     "[",
                                     "]",
                                     ",",
                                     "\t",
                                     "$X",
                                     "é"};
  for (const FakeSecret& planted : FakeSecretCorpus()) pieces.push_back(planted.text);
  std::uint32_t state = 12345;
  auto next = [&] {
    state = state * 1664525u + 1013904223u;
    return state >> 8;
  };
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    for (std::uint32_t n = next() % 12; n > 0; --n) text += pieces[next() % pieces.size()];
    std::string line = json({{"text", text}}).dump();
    if (round % 2 == 1) line = json({{"outer", line}}).dump();
    std::string redacted = Redact(line);
    json parsed = json::parse(redacted, nullptr, false);
    ASSERT_FALSE(parsed.is_discarded()) << line << "\n->\n" << redacted;
    if (round % 2 == 1) {
      ASSERT_FALSE(json::parse(parsed["outer"].get<std::string>(), nullptr, false).is_discarded())
          << line << "\n->\n"
          << redacted;
    }
    EXPECT_EQ(Redact(redacted), redacted) << line;
  }
}

TEST(RedactTest, RedactingTwiceChangesNothingMore) {
  for (const FakeSecret& planted : FakeSecretCorpus()) {
    std::string once = Redact(planted.text);
    EXPECT_EQ(Redact(once), once) << planted.name;
  }
}

TEST(RedactTest, APrivateKeyOverManyLinesGoesWholeAndTheTextAfterItStays) {
  std::string key = oxd::testing::FakePem("EC PRIVATE KEY", 60);
  EXPECT_EQ(Redact("a\n" + key + "\nb\n"), "a\n[REDACTED_PRIVATE_KEY]\nb\n");
  // Encrypted: the Proc-Type and DEK-Info headers are part of the block.
  std::string encrypted =
      "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
      "DEK-Info: AES-128-CBC,3F17F5316E2BAC89\n\n" +
      FakeChars(std::string(kFakeAlnum), 64, 61) + "\n-----END RSA PRIVATE KEY-----\n";
  EXPECT_EQ(Redact(encrypted), "[REDACTED_PRIVATE_KEY]\n");
}

TEST(RedactTest, ATruncatedPrivateKeyGoesUpToWhereItsBodyEnds) {
  std::string head =
      "-----BEGIN OPENSSH PRIVATE KEY-----\n" + FakeChars(std::string(kFakeAlnum), 64, 70) + "\n";
  // Raw text: the block ends at the first line a key body cannot have.
  EXPECT_EQ(Redact(head + "(output truncated)\nnext\n"),
            "[REDACTED_PRIVATE_KEY]\n(output truncated)\nnext\n");
  // In JSON: at the end of the string, and the line still parses.
  json line = {{"stdout", head}, {"exit", 0}};
  std::string redacted = Redact(line.dump());
  EXPECT_EQ(json::parse(redacted)["stdout"], "[REDACTED_PRIVATE_KEY]");
}

TEST(RedactTest, StreamingInChunksOfAnySizeGivesTheSameBytesAsTheWholeText) {
  std::string transcript;
  for (const FakeSecret& planted : FakeSecretCorpus()) {
    transcript += json({{"text", planted.text}}).dump() + "\n" + planted.text + "\n";
  }
  transcript +=
      "a last line without a newline, token=" + FakeChars(std::string(kFakeAlnum), 20, 80);
  std::string whole = Redact(transcript);
  for (std::size_t chunk : {1u, 2u, 7u, 64u, 4096u, 1u << 20}) {
    EXPECT_EQ(Streamed(transcript, chunk), whole) << "chunks of " << chunk;
  }
  EXPECT_NE(whole.find("token=[REDACTED_TOKEN]"), std::string::npos);
}

TEST(RedactTest, CountsSayHowManyOfEachKindWereReplaced) {
  std::string gh = "gh";
  std::string text = "a " + gh + "p_" + FakeChars(std::string(kFakeAlnum), 36, 90) + " b " + gh +
                     "s_" + FakeChars(std::string(kFakeAlnum), 36, 91) + " password=\"x\"";
  Counts counts;
  Redact(text, &counts);
  EXPECT_EQ(counts.by_kind[static_cast<std::size_t>(Kind::kGithubToken)], 2u);
  EXPECT_EQ(counts.by_kind[static_cast<std::size_t>(Kind::kPassword)], 1u);
  EXPECT_EQ(counts.Total(), 3u);
}

TEST(RedactTest, MarkersFollowTheOriginalsNaming) {
  EXPECT_EQ(MarkerOf(Kind::kGithubToken), "[REDACTED_GITHUB_TOKEN]");
  EXPECT_EQ(MarkerOf(Kind::kAwsKey), "[REDACTED_AWS_KEY]");
  EXPECT_EQ(MarkerOf(Kind::kPrivateKey), "[REDACTED_PRIVATE_KEY]");
  EXPECT_EQ(MarkerOf(Kind::kUrlWithCredentials), "[REDACTED_URL_WITH_CREDENTIALS]");
}

}  // namespace
}  // namespace oxd::redact
