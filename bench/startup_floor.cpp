// The floor under BM_StartupToFirstInitHello (bench_daemon_runtime): a stand-in for
// `rosenpass exchange-config <file>` that does nothing but what any program must to answer
// the benchmark: start, read the config, send one 1060-byte datagram (an InitHello's size)
// to the peer's endpoint, then wait to be stopped. Built twice, dynamically linked C++ and
// fully static, so the note can say what exec and dynamic loading alone cost on a machine:
//   RP_BENCH_ROSENPASS=build/bench/startup_floor_dynamic
//     build/bench/bench_daemon_runtime --benchmark_filter=Startup
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <string>

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  std::ifstream config(argv[2]);
  const std::string prefix = "endpoint = \"127.0.0.1:";
  int port = 0;
  for (std::string line; std::getline(config, line);) {
    if (auto p = line.find(prefix); p != std::string::npos) {
      port = std::stoi(line.substr(p + prefix.size()));
    }
  }
  if (port == 0) return 2;
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  char datagram[1060] = {};
  if (::sendto(fd, datagram, sizeof datagram, 0, reinterpret_cast<sockaddr*>(&to), sizeof to) < 0) {
    return 1;
  }
  ::pause();  // the benchmark reads our CPU time, then stops us with SIGTERM
}
