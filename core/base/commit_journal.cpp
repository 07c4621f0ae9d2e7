// Journal lines: the commit temporary, then `target \t backup \t inode` per renamed file.
// Paths have no newline or tab (a set with one is not journaled, see atomic_write.cpp).
#include "base/commit_journal.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/error.h"
#include "base/temp_file.h"

namespace mx {
namespace {

std::string journal_stem(const std::string& commit_target) { return commit_target + ".mx-journal"; }

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

void replay(const std::string& journal) {
  std::ifstream in(journal);
  std::string commit_temp, line;
  if (!std::getline(in, commit_temp)) return;
  const bool committed = !exists(commit_temp);
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string target, backup, inode;
    std::getline(fields, target, '\t');
    std::getline(fields, backup, '\t');
    std::getline(fields, inode, '\t');
    if (committed) {
      if (!backup.empty()) ::unlink(backup.c_str());
    } else if (!backup.empty()) {
      if (exists(backup)) ::rename(backup.c_str(), target.c_str());
    } else if (struct stat st {}; ::lstat(target.c_str(), &st) == 0 && std::to_string(st.st_ino) == inode) {
      ::unlink(target.c_str());  // ours, renamed there by the run that died
    }
  }
}

}  // namespace

CommitJournal::CommitJournal(const std::string& commit_target, const std::string& commit_temp,
                             const std::vector<JournalEntry>& entries) {
  TempFile file(journal_stem(commit_target));
  // Absolute: the run that replays it may have another working folder.
  auto abs = [](const std::string& p) { return p.empty() ? p : std::filesystem::absolute(p).string(); };
  std::string text = abs(commit_temp) + "\n";
  for (const auto& e : entries)
    text += abs(e.target) + "\t" + abs(e.backup) + "\t" + std::to_string(e.new_inode) + "\n";
  const char* p = text.data();
  size_t n = text.size();
  while (n > 0) {
    ssize_t w = ::write(file.fd(), p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) throw Error("cannot write '" + file.path() + "': " + std::strerror(errno));
    p += w;
    n -= static_cast<size_t>(w);
  }
  if (int e = file.close()) throw Error("cannot write '" + file.path() + "': " + std::strerror(e));
  path_ = file.path();
  file.release();
}

CommitJournal::~CommitJournal() { ::unlink(path_.c_str()); }

void recover_interrupted_commits(const std::string& commit_target) {
  for (const auto& journal : stale_temporaries(journal_stem(commit_target))) {
    replay(journal);
    ::unlink(journal.c_str());
  }
}

}  // namespace mx
