// Precompiled for torch/: LibTorch's headers take most of each file's compile time.
#include <torch/script.h>
