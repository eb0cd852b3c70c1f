/* The yardstick for oxd_ipc_bench: the least a Unix-socket NDJSON server can do. One thread,
 * blocking accept, read one line, answer pong, close. oxd's IPC server is measured against it.
 *
 * usage: oxd_c_responder SOCKET_PATH   (prints "ready" on stdout once listening; runs until
 * killed) */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char kReply[] = "{\"success\":true,\"data\":\"pong\"}\n";

static void serve(int client) {
  char buffer[4096];
  for (;;) {
    ssize_t n = read(client, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    if (memchr(buffer, '\n', (size_t)n)) break;
  }
  size_t sent = 0;
  while (sent < sizeof kReply - 1) {
    ssize_t n = send(client, kReply + sent, sizeof kReply - 1 - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    sent += (size_t)n;
  }
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s SOCKET_PATH\n", argv[0]);
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  struct sockaddr_un address;
  memset(&address, 0, sizeof address);
  address.sun_family = AF_UNIX;
  if (strlen(argv[1]) >= sizeof address.sun_path) return 2;
  strcpy(address.sun_path, argv[1]);
  int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  unlink(argv[1]);
  if (listener < 0 || bind(listener, (struct sockaddr*)&address, sizeof address) != 0 ||
      listen(listener, SOMAXCONN) != 0) {
    perror("oxd_c_responder");
    return 1;
  }
  printf("ready\n");
  fflush(stdout);
  for (;;) {
    int client = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
    if (client < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      perror("accept");
      usleep(1000);
      continue;
    }
    serve(client);
    close(client);
  }
}
