// Build-time generator: compiles the allow-lists of syscall_lists.h with libseccomp into the
// two BPF programs (SyscallProfile kNetworkService, kSpawner) and writes them as a C++ header
// of sock_filter arrays, which restrict_syscalls() loads with seccomp(2). The filters are the
// ones the daemon used to build at every start (same rules, same default action, libseccomp's
// own export), minus the run-time cost and the shared library.
//   usage: rp_seccomp_bpf_gen <output header>
#include <seccomp.h>
#include <unistd.h>
#include <linux/filter.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <span>
#include <string>
#include <vector>

#include "../syscall_lists.h"

namespace {

namespace lists = rosenpass::hardening::syscall_lists;

struct Context {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
  ~Context() { seccomp_release(ctx); }
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "rp_seccomp_bpf_gen: %s\n", what.c_str());
  std::exit(1);
}

void allow(Context& c, std::span<const char* const> names) {
  for (const char* name : names) {
    int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR) continue;  // not on this architecture
    if (int rc = seccomp_rule_add(c.ctx, SCMP_ACT_ALLOW, nr, 0); rc != 0) {
      die(std::string("seccomp rule for ") + name + ": " + std::strerror(-rc));
    }
  }
}

std::vector<sock_filter> compile(bool spawner) {
  Context c;
  if (!c.ctx) die("seccomp_init failed");
  allow(c, lists::kCommon);
  if (spawner) allow(c, lists::kSpawn);
  // glibc tries clone3 first and falls back to clone on ENOSYS.
  if (int nr = seccomp_syscall_resolve_name("clone3"); nr != __NR_SCMP_ERROR) {
    if (int rc = seccomp_rule_add(c.ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0); rc != 0) {
      die(std::string("seccomp rule for clone3: ") + std::strerror(-rc));
    }
  }
  std::FILE* tmp = std::tmpfile();
  if (!tmp) die(std::string("tmpfile: ") + std::strerror(errno));
  if (int rc = seccomp_export_bpf(c.ctx, ::fileno(tmp)); rc != 0) {
    die(std::string("seccomp_export_bpf: ") + std::strerror(-rc));
  }
  std::rewind(tmp);
  std::vector<sock_filter> prog;
  sock_filter insn;
  while (std::fread(&insn, sizeof insn, 1, tmp) == 1) prog.push_back(insn);
  std::fclose(tmp);
  if (prog.empty() || prog.size() > BPF_MAXINSNS) die("unexpected BPF program size");
  return prog;
}

void emit(std::ofstream& out, const char* name, const std::vector<sock_filter>& prog) {
  out << "inline constexpr sock_filter " << name << "[" << prog.size() << "] = {\n";
  for (const auto& i : prog) {
    out << "    {0x" << std::hex << i.code << ", " << std::dec << unsigned(i.jt) << ", "
        << unsigned(i.jf) << ", 0x" << std::hex << i.k << std::dec << "u},\n";
  }
  out << "};\n\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) die("usage: rp_seccomp_bpf_gen <output header>");
  const std::string path = argv[1];
  const std::string tmp_path = path + ".tmp";
  {
    std::ofstream out(tmp_path, std::ios::trunc);
    out << "// Generated at build time by src/hardening/seccomp_gen/seccomp_bpf_gen.cpp from\n"
           "// src/hardening/syscall_lists.h with libseccomp "
        << seccomp_version()->major << "." << seccomp_version()->minor << "."
        << seccomp_version()->micro
        << " (seccomp_export_bpf). Do not edit.\n#pragma once\n\n#include <linux/filter.h>\n\n"
           "namespace rosenpass::hardening::generated {\n\n";
    emit(out, "kNetworkServiceFilter", compile(false));
    emit(out, "kSpawnerFilter", compile(true));
    out << "}  // namespace rosenpass::hardening::generated\n";
    if (!out.flush()) die("writing " + tmp_path);
  }
  if (std::rename(tmp_path.c_str(), path.c_str()) != 0) die("renaming to " + path);
  return 0;
}
