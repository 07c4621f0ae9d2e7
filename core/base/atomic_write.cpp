// Output checks, streaming into temporaries, and the all-or-nothing rename of a set of files.
#include "base/atomic_write.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>

#include "base/commit_journal.h"
#include "base/error.h"
#include "base/release_later.h"
#include "base/temp_file.h"

namespace fs = std::filesystem;

namespace mx {
namespace {

constexpr size_t kNameMax = 255;

Error cannot_write(const std::string& path, const std::string& why) {
  return Error("cannot write '" + path + "': " + why);
}

const char* kind_of(mode_t mode) {
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

// A stream buffer over a file descriptor that keeps the errno of the first failed write.
class FdBuf : public std::streambuf {
 public:
  explicit FdBuf(int fd) : fd_(fd) { setp(buf_, buf_ + sizeof buf_); }
  int error() const { return error_; }
  bool flush_all() { return drain(); }

 protected:
  int_type overflow(int_type c) override {
    if (!drain()) return traits_type::eof();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  int sync() override { return drain() ? 0 : -1; }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    if (n < static_cast<std::streamsize>(sizeof buf_)) return std::streambuf::xsputn(s, n);
    if (!drain() || !write_all(s, static_cast<size_t>(n))) return 0;  // large blocks: no copy
    return n;
  }

 private:
  bool drain() {
    bool ok = write_all(pbase(), static_cast<size_t>(pptr() - pbase()));
    setp(buf_, buf_ + sizeof buf_);
    return ok;
  }
  bool write_all(const char* p, size_t n) {
    while (n > 0 && error_ == 0) {
      ssize_t w = ::write(fd_, p, n);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        error_ = w < 0 ? errno : EIO;
        break;
      }
      p += w;
      n -= static_cast<size_t>(w);
    }
    return error_ == 0;
  }
  int fd_;
  int error_ = 0;
  char buf_[1 << 16];
};

// Streams `f`'s writer into a new temporary beside its path.
TempFile write_temporary(const OutputFile& f) {
  const std::string& path = f.path;
  remove_stale_temporaries(path);
  TempFile temp(path);
  if (f.write_fd) {
    if (int e = f.write_fd(temp.fd())) throw cannot_write(path, std::strerror(e));
    if (int e = temp.close()) throw cannot_write(path, std::strerror(e));
    return temp;
  }
  const auto& write = f.write;
  FdBuf buf(temp.fd());
  std::ostream out(&buf);
  try {
    write(out);
    out.flush();
  } catch (const Error&) {
    if (buf.error()) throw cannot_write(path, std::strerror(buf.error()));
    throw;
  }
  if (!out || !buf.flush_all() || buf.error())
    throw cannot_write(path, buf.error() ? std::strerror(buf.error()) : "write failed");
  if (int e = temp.close()) throw cannot_write(path, std::strerror(e));
  return temp;
}

std::optional<struct stat> stat_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return st;
}

bool same_file(const struct stat& a, const struct stat& b) { return a.st_dev == b.st_dev && a.st_ino == b.st_ino; }

// One file renamed into place, with what it replaced kept aside until the commit.
struct Renamed {
  std::string target;
  std::string backup;  // empty: there was no file before
  bool removed = false;  // the set removes the file: nothing of ours is there to unlink
};

void undo(const std::vector<Renamed>& done) {
  for (auto it = done.rbegin(); it != done.rend(); ++it) {
    if (it->backup.empty()) {
      if (!it->removed) ::unlink(it->target.c_str());
    } else {
      ::rename(it->backup.c_str(), it->target.c_str());
    }
  }
}

// Keeps a file at `target` aside as a hard link (or, where links are not supported, by
// moving it) under a fresh name of ours, so that it can be put back.
Renamed keep_old(const std::string& target) {
  Renamed r{target, ""};
  struct stat st {};
  if (::lstat(target.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) {  // over a folder, rename fails later
    TempFile reserved(target);                                      // a fresh name; link() never follows or replaces
    reserved.close();
    std::string backup = reserved.path();
    ::unlink(backup.c_str());
    if (::link(target.c_str(), backup.c_str()) != 0 && ::rename(target.c_str(), backup.c_str()) != 0)
      throw cannot_write(target, std::string("cannot keep the old file aside: ") + std::strerror(errno));
    reserved.release();
    r.backup = backup;
  }
  return r;
}

// Journal lines are tab- and newline-separated: a set with such a name is not journaled
// (a kill between its renames is then not undone).
bool journal_can_hold(const std::vector<OutputFile>& files) {
  for (const auto& f : files)
    if (fs::absolute(f.path).string().find_first_of("\t\n") != std::string::npos) return false;
  return true;
}

ino_t inode_of(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

// The renames of a written set: files[1..] over their targets, then files[0] (the commit).
// Old files are kept aside and a journal written first, so that the next run can undo a
// set cut between the renames by SIGKILL (see commit_journal.h).
void rename_set(const std::vector<OutputFile>& files, std::vector<std::optional<TempFile>>& temps) {
  std::vector<Renamed> kept;
  std::vector<JournalEntry> entries;
  // Old files of targets not renamed over go back (a no-op for a hard link to the file that
  // is still there, which is then unlinked); after the commit, all are unlinked, each held
  // open first so that freeing its blocks happens on the closing thread (release_later.h).
  std::vector<int> held;
  auto drop_backups = [&](size_t from, bool restore) {
    for (size_t i = from; i < kept.size(); ++i)
      if (!kept[i].backup.empty()) {
        if (restore)
          ::rename(kept[i].backup.c_str(), kept[i].target.c_str());
        else
          held.push_back(hold_regular_file(kept[i].backup));
        ::unlink(kept[i].backup.c_str());
      }
  };
  size_t renamed = 0;
  try {
    for (size_t i = 1; i < files.size(); ++i) {
      kept.push_back(keep_old(files[i].path));
      kept.back().removed = !temps[i];
      entries.push_back({kept.back().target, kept.back().backup, temps[i] ? inode_of(temps[i]->path()) : 0});
    }
    std::optional<CommitJournal> journal;
    if (journal_can_hold(files)) journal.emplace(files[0].path, temps[0]->path(), entries);
    for (size_t i = 1; i < files.size(); ++i, ++renamed) {
      if (!temps[i]) {  // removed: its old file is kept aside like the others'
        if (!kept[i - 1].backup.empty() && ::unlink(files[i].path.c_str()) != 0 && errno != ENOENT)
          throw cannot_write(files[i].path, std::string("cannot remove it: ") + std::strerror(errno));
        continue;
      }
      if (::rename(temps[i]->path().c_str(), files[i].path.c_str()) != 0)
        throw cannot_write(files[i].path, std::strerror(errno));
      temps[i]->release();
    }
    held.push_back(hold_regular_file(files[0].path));  // the old file, replaced by the commit
    if (::rename(temps[0]->path().c_str(), files[0].path.c_str()) != 0) {  // the commit point
      int err = errno;
      close_later(std::move(held));
      throw cannot_write(files[0].path, std::strerror(err));
    }
    temps[0]->release();
  } catch (...) {
    undo(std::vector<Renamed>(kept.begin(), kept.begin() + static_cast<std::ptrdiff_t>(renamed)));
    drop_backups(renamed, true);
    throw;
  }
  drop_backups(0, false);
  close_later(std::move(held));
}

void check_distinct(const std::vector<OutputFile>& files) {
  for (size_t i = 0; i < files.size(); ++i)
    for (size_t j = 0; j < i; ++j) {
      auto a = stat_of(files[i].path), b = stat_of(files[j].path);
      if (fs::absolute(files[i].path).lexically_normal() == fs::absolute(files[j].path).lexically_normal() ||
          (a && b && same_file(*a, *b)))
        throw cannot_write(files[i].path, "it is also the output '" + files[j].path + "'");
    }
}

}  // namespace

void check_writable(const std::string& path, const std::vector<std::string>& inputs) {
  fs::path p(path);
  if (p.filename().empty()) throw cannot_write(path, "it names a folder, not a file");
  if (p.filename().string().size() > kNameMax)
    throw cannot_write(path, "its name is " + std::to_string(p.filename().string().size()) +
                                 " bytes long, more than the " + std::to_string(kNameMax) + " a file name may have");
  std::error_code ec;
  fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
  if (!fs::exists(dir, ec)) throw cannot_write(path, "folder '" + dir.string() + "' does not exist");
  if (!fs::is_directory(dir, ec)) throw cannot_write(path, "'" + dir.string() + "' is not a folder");
  if (auto st = stat_of(path)) {
    if (S_ISDIR(st->st_mode)) throw cannot_write(path, "it is a folder");
    if (!S_ISREG(st->st_mode))
      throw cannot_write(
          path, std::string("it exists and is ") + kind_of(st->st_mode) + " (only a regular file is replaced)");
    for (const auto& input : inputs)
      if (auto in = stat_of(input); in && same_file(*st, *in))
        throw cannot_write(path, input == path
                                     ? "it is the command's input (an input is never overwritten)"
                                     : "it is the command's input '" + input + "' (an input is never overwritten)");
  }
  recover_interrupted_commits(path);  // before its temporaries go: it may need them
  remove_stale_temporaries(path);
  TempFile probe(path);  // a new name, removed at once: never opens what is there
}

void write_files_atomically(const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<OutputFile> outputs;
  for (const auto& [path, contents] : files)
    outputs.push_back({path, [&contents = contents](std::ostream& out) {
                         out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
                       }});
  write_outputs_atomically(outputs);
}

void write_outputs_atomically(const std::vector<OutputFile>& files) {
  if (files.empty()) return;
  check_distinct(files);
  if (files[0].removes()) throw Error("internal error: the commit file '" + files[0].path + "' has no writer");
  std::vector<std::optional<TempFile>> temps;
  temps.reserve(files.size());
  for (const auto& f : files) {
    if (f.removes())
      temps.emplace_back(std::nullopt);
    else
      temps.emplace_back(write_temporary(f));
  }

  SignalsDeferred deferred;
  rename_set(files, temps);
}

}  // namespace mx
