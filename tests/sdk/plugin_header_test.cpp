// The plugin header compiles as C++ (17 and 20, see tests/meson.build) with -Wall -Wextra
// -pedantic -Werror, and its macros are usable constants there.
#include <modelexport/ext/tag_builder.h>
#include <modelexport/plugin.h>

#include <type_traits>

static_assert(std::is_standard_layout_v<mx_plugin_t>);
static_assert(std::is_standard_layout_v<mx_ext_tag_builder_t>);

static_assert(std::is_trivially_copyable_v<mx_host_api_t>);
static_assert(MX_NONE == -1);

// The one version rule: same major, the plugin's minor not newer than the host's.
int main() {
  bool ok = mx_abi_check(1, 0, 1, 2) == MX_ABI_COMPATIBLE && mx_abi_check(1, 2, 1, 2) == MX_ABI_COMPATIBLE &&
            mx_abi_check(1, 3, 1, 2) == MX_ABI_NEWER_MINOR && mx_abi_check(2, 0, 1, 9) == MX_ABI_OTHER_MAJOR &&
            mx_abi_check(0, 0, 1, 0) == MX_ABI_OTHER_MAJOR;
  return ok ? 0 : 1;
}
