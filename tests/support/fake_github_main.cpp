// The fake GitHub API (FakeGithub.h) as a process, for the shell scripts (tests/bench,
// tests/fault): seeds a repository, prints "PORT <port>" on stdout, and serves until stdin
// closes or SIGTERM. On exit it prints the request counts ("requests N", "status S N") on
// stderr. Lines on stdin change the repository: "edit N TEXT" (a new body for item N),
// "comment N TEXT" (a new issue comment), "count" (prints "count <requests>" on stdout).
//
//   fake_github [--prs N] [--issues N] [--comments N] [--reviews N] [--merged-every N]
//               [--prefix /api/v3] [--owner acme] [--repo widgets] [--token T]
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <string>
#include <thread>

#include "FakeGithub.h"

int main(int argc, char** argv) {
  oxd::testing::FakeSeed seed;
  std::string prefix, owner = "acme", repo = "widgets", token;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    std::string value = argv[i + 1];
    if (flag == "--prs")
      seed.prs = std::atoi(value.c_str());
    else if (flag == "--issues")
      seed.issues = std::atoi(value.c_str());
    else if (flag == "--comments")
      seed.comments_per_item = std::atoi(value.c_str());
    else if (flag == "--reviews")
      seed.review_comments_per_pr = std::atoi(value.c_str());
    else if (flag == "--merged-every")
      seed.merged_every = std::atoi(value.c_str());
    else if (flag == "--prefix")
      prefix = value;
    else if (flag == "--owner")
      owner = value;
    else if (flag == "--repo")
      repo = value;
    else if (flag == "--token")
      token = value;
    else {
      std::cerr << "unknown flag " << flag << "\n";
      return 2;
    }
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  oxd::testing::FakeGithub github(prefix, owner, repo);
  github.seed(seed);
  github.setToken(token);
  std::cout << "PORT " << github.port() << std::endl;
  std::thread stdin_watch([&github] {
    std::string line;
    while (std::getline(std::cin, line)) {
      std::string command = line.substr(0, line.find(' '));
      std::string rest = line.size() > command.size() ? line.substr(command.size() + 1) : "";
      std::string number = rest.substr(0, rest.find(' '));
      std::string text = rest.size() > number.size() ? rest.substr(number.size() + 1) : "";
      if (command == "edit") github.editBody(std::atoll(number.c_str()), text);
      if (command == "comment") github.comment(std::atoll(number.c_str()), text);
      if (command == "count") std::cout << "count " << github.count() << std::endl;
    }
    kill(getpid(), SIGTERM);
  });
  stdin_watch.detach();
  int received = 0;
  sigwait(&signals, &received);
  std::map<int, int> by_status;
  for (const auto& request : github.requests()) by_status[request.status]++;
  std::cerr << "requests " << github.count() << "\n";
  for (const auto& [status, n] : by_status) std::cerr << "status " << status << " " << n << "\n";
  std::_Exit(0);
}
