// Letting go of replaced output files off the caller's path. When an export overwrites a
// file, the old file's blocks are freed by the call that drops its last reference: on ext4,
// 15 to 18 ms for a 45 MB ONNX file (resnet18), 147 ms for 507 MB (vgg11_bn), paid inside the
// rename over it (or the unlink of its last name).
// Holding the old file open through that rename and closing it on a thread of its own moves
// the freeing beside the work that follows (the summary, freeing the model, the process's
// exit). Names are never touched here: what the caller sees in the folder is final when it
// returns; only the freeing of space that no name reaches any more is late.
#pragma once

#include <string>
#include <vector>

namespace mx {

// A descriptor (O_RDONLY, O_NOFOLLOW, no blocking open) of the regular file at `path`, or -1
// if there is none or it is something else (a link, a FIFO, a device: never opened for long).
int hold_regular_file(const std::string& path);

// Closes `fds` (values < 0 are skipped) on a detached thread, or here if no thread can be
// started. A process that exits first still frees them: the kernel closes them at its end.
void close_later(std::vector<int> fds);

}  // namespace mx
