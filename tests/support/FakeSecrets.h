#pragma once
// Fake but realistically shaped secrets, one of each kind oxd redacts (libs/redact/README.md), in
// the contexts a transcript carries them: shell exports, JSON, HTTP headers, URLs, PEM files. The
// values are put together from pieces at run time, so no secret scanner flags this repository;
// none of them was ever a live credential. Header-only; for tests.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace oxd::testing {

struct FakeSecret {
  std::string name;               // what it is, for test messages
  std::string text;               // the secret in its context, as it appears in a transcript
  std::string secret;             // the bytes that must not survive redaction
  std::string marker;             // what takes their place
  std::string Redacted() const {  // `text` as it must read after redaction
    std::string out = text;
    out.replace(out.find(secret), secret.size(), marker);
    return out;
  }
};

inline constexpr std::string_view kFakeAlnum =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

// `length` characters of `alphabet`, the same for the same seed.
inline std::string FakeChars(std::string_view alphabet, std::size_t length, std::uint32_t seed) {
  std::string out;
  std::uint32_t state = seed * 2654435761u + 1;
  for (std::size_t k = 0; k < length; ++k) {
    state = state * 1664525u + 1013904223u;
    out.push_back(alphabet[(state >> 8) % alphabet.size()]);
  }
  return out;
}

inline std::string FakePem(const std::string& label, std::uint32_t seed) {
  std::string base64 = std::string(kFakeAlnum) + "+/";
  std::string pem = "-----BEGIN " + label + "-----\n";
  for (int line = 0; line < 6; ++line) pem += FakeChars(base64, 64, seed + line) + "\n";
  return pem + FakeChars(base64, 20, seed + 99) + "==\n-----END " + label + "-----";
}

inline std::vector<FakeSecret> FakeSecretCorpus() {
  const std::string a = std::string(kFakeAlnum);
  const std::string base64 = a + "+/";
  const std::string gh = "gh";
  std::vector<FakeSecret> corpus;
  auto add = [&](std::string name, std::string before, std::string secret, std::string after,
                 std::string kind) {
    corpus.push_back(
        {std::move(name), before + secret + after, secret, "[REDACTED_" + std::move(kind) + "]"});
  };
  add("GitHub classic PAT in an export", "export GITHUB_TOKEN=", gh + "p_" + FakeChars(a, 36, 1),
      "\n", "GITHUB_TOKEN");
  add("GitHub OAuth token in prose", "gh auth token printed ", gh + "o_" + FakeChars(a, 36, 2),
      " and exited", "GITHUB_TOKEN");
  add("GitHub user-to-server token in JSON", "{\"access_token\": \"",
      gh + "u_" + FakeChars(a, 36, 3), "\", \"expires_in\": 28800}", "GITHUB_TOKEN");
  add("GitHub installation token", "x-access-token:", gh + "s_" + FakeChars(a, 36, 4),
      " (expires in 1h)", "GITHUB_TOKEN");
  add("GitHub refresh token on its own line", "refresh with\n", gh + "r_" + FakeChars(a, 76, 5),
      ".", "GITHUB_TOKEN");
  add("GitHub fine-grained PAT", "token is ",
      "git" + std::string("hub_pat_") + FakeChars(a, 22, 6) + "_" + FakeChars(a, 59, 7), "",
      "GITHUB_PAT");
  add("OpenAI project key in .env",
      "OPENAI_API_KEY=", "sk-" + std::string("proj-") + FakeChars(a + "_-", 48, 8) + "T3Blbk", "\n",
      "OPENAI_KEY");
  add("Anthropic key in a header",
      "curl -H 'x-api-key: ", "sk-" + std::string("ant-api03-") + FakeChars(a + "_-", 93, 9) + "AA",
      "' https://api.test", "ANTHROPIC_KEY");
  add("Slack bot token", "SLACK_BOT=",
      "xo" + std::string("xb-") + "1234567890123-1234567890123-" + FakeChars(a, 24, 10), " ",
      "SLACK_TOKEN");
  add("Slack user token", "using ",
      "xo" + std::string("xp-") + "1234567890-9876543210-" + FakeChars(a, 32, 11), ", then",
      "SLACK_TOKEN");
  add("AWS access key id", "aws_access_key_id = ",
      "AK" + std::string("IA") + FakeChars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, 12), "\n",
      "AWS_KEY");
  add("AWS STS key id", "AccessKeyId: ",
      "AS" + std::string("IA") + FakeChars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, 13), "\n",
      "AWS_STS_KEY");
  add("AWS secret access key", "aws_secret_access_key = ", FakeChars(base64, 40, 14), "\n",
      "AWS_SECRET");
  add("Google API key in a URL",
      "https://maps.example.test/api?key=", "AI" + std::string("za") + FakeChars(a + "_-", 35, 15),
      "&v=3", "GOOGLE_API_KEY");
  add("RSA private key file", "cat id_rsa\n", FakePem("RSA PRIVATE KEY", 16), "\ndone",
      "PRIVATE_KEY");
  add("OpenSSH private key file", "key:\n", FakePem("OPENSSH PRIVATE KEY", 17), "\n",
      "PRIVATE_KEY");
  add("Authorization: Bearer header", "curl -H \"Authorization: Bearer ", FakeChars(a, 40, 18),
      "\" https://api.test", "BEARER_TOKEN");
  add("Authorization: Basic header", "Authorization: Basic ", FakeChars(a, 28, 19) + "==", "\r\n",
      "BASIC_AUTH");
  add("bare Bearer credential", "sent Bearer ", FakeChars(a + "._-", 32, 20) + "9", " upstream",
      "BEARER_TOKEN");
  add("password in JSON", "{\"user\": \"ana\", \"password\": \"", "correct horse 9 staple", "\"}",
      "PASSWORD");
  add("database password in an export", "export DB_PASSWORD=", "Hunt3r2-" + FakeChars(a, 8, 21),
      "\n", "PASSWORD");
  add("client secret in YAML", "client_secret: \"", FakeChars(a, 40, 22), "\"\n", "SECRET");
  add("api_key assignment", "api_key='", FakeChars(a, 32, 23), "'\n", "API_KEY");
  add("token in a query string", "GET /hook?access_token=", FakeChars(a, 24, 24), "&page=2",
      "TOKEN");
  add("password in a clone URL", "git clone https://", "ana:" + FakeChars(a, 12, 25),
      "@git.example.test/acme/app.git", "URL_WITH_CREDENTIALS");
  add("JWT in a cookie", "Cookie: session=",
      "eyJ" + FakeChars(a, 30, 26) + ".eyJ" + FakeChars(a, 60, 27) + "." +
          FakeChars(a + "_-", 43, 28),
      "; Path=/", "JWT");
  return corpus;
}

}  // namespace oxd::testing
