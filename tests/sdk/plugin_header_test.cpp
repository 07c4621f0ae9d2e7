// The plugin header compiles as C++ (17 and 20, see tests/meson.build) with -Wall -Wextra
// -pedantic -Werror, and its macros are usable constants there.
#include <modelexport/plugin.h>

#include <type_traits>

static_assert(std::is_standard_layout_v<mx_plugin_t>);
static_assert(std::is_trivially_copyable_v<mx_host_api_t>);
static_assert(MX_NONE == -1);

int main() { return MX_ABI_MINOR >= 0 ? 0 : 1; }
