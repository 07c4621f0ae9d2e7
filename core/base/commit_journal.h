// The record of a set of renames in progress (write_outputs_atomically), on disk beside the
// set's commit target, so that a run killed (SIGKILL) between the renames can be undone:
// the next run that writes the same target puts the old files back, or, if the commit
// rename had happened, only removes what the commit left.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace mx {

struct JournalEntry {
  std::string target;  // renamed into place before the commit
  std::string backup;  // the old file there, kept as a hard link; "" if there was none
  ino_t new_inode = 0;  // the file renamed there
};

class CommitJournal {
 public:
  // Writes the journal for renaming files into place and then `commit_temp` over
  // `commit_target`; throws mx::Error if it cannot.
  CommitJournal(const std::string& commit_target, const std::string& commit_temp,
                const std::vector<JournalEntry>& entries);
  // Removes the journal: the renames are over, undone, or never began.
  ~CommitJournal();
  CommitJournal(const CommitJournal&) = delete;
  CommitJournal& operator=(const CommitJournal&) = delete;

 private:
  std::string path_;
};

// Replays the journals that killed processes left for `commit_target`: while the commit
// temporary is still there the commit never happened, so each old file goes back (a new
// one without an old one is removed); after it, the kept old files are removed.
void recover_interrupted_commits(const std::string& commit_target);

}  // namespace mx
