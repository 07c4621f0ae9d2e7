// Temporary file + rename, for all outputs of one command together.
#include "base/atomic_write.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "base/error.h"

namespace fs = std::filesystem;

namespace mx {
namespace {

std::string temp_name(const std::string& path) { return path + ".tmp-" + std::to_string(::getpid()); }

Error cannot_write(const std::string& path, const std::string& why) {
  return Error("cannot write '" + path + "': " + why);
}

void write_one(const std::string& path, const std::function<void(std::ostream&)>& write) {
  errno = 0;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw cannot_write(path, errno ? std::strerror(errno) : "cannot open");
  write(out);
  out.close();
  if (!out) throw cannot_write(path, errno ? std::strerror(errno) : "write failed");
}

void write_one(const std::string& path, const std::string& contents) {
  write_one(path, [&](std::ostream& out) { out.write(contents.data(), static_cast<std::streamsize>(contents.size())); });
}

}  // namespace

void check_writable(const std::string& path) {
  fs::path p(path);
  std::error_code ec;
  if (p.filename().empty()) throw cannot_write(path, "it names a folder, not a file");
  if (fs::is_directory(p, ec)) throw cannot_write(path, "it is a folder");
  fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
  if (!fs::exists(dir, ec)) throw cannot_write(path, "folder '" + dir.string() + "' does not exist");
  if (!fs::is_directory(dir, ec)) throw cannot_write(path, "'" + dir.string() + "' is not a folder");
  std::string probe = temp_name(path);
  write_one(probe, "");
  fs::remove(probe, ec);
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
  std::vector<std::string> temps;
  auto cleanup = [&] {
    std::error_code ec;
    for (const auto& t : temps) fs::remove(t, ec);
  };
  try {
    for (const auto& f : files) {
      temps.push_back(temp_name(f.path));
      write_one(temps.back(), f.write);
    }
    for (size_t i = 0; i < files.size(); ++i) {
      std::error_code ec;
      fs::rename(temps[i], files[i].path, ec);
      if (ec) throw cannot_write(files[i].path, ec.message());
    }
  } catch (...) {
    cleanup();
    throw;
  }
}

}  // namespace mx
