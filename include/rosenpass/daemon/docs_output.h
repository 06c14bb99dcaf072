// Generated documentation: man pages (--generate-manpage, application.md §1.8) and shell
// completion scripts (--print-completions).
#pragma once

#include <optional>
#include <string>

#include "rosenpass/daemon/result.h"

namespace rosenpass::daemon {

// Writes rosenpass.1 and one page per visible subcommand into `dir` (created if missing).
Status write_man_pages(const std::string& dir);

// The completion script for bash, elvish, fish, powershell or zsh; nullopt for others.
std::optional<std::string> completion_script(const std::string& shell);

}  // namespace rosenpass::daemon
