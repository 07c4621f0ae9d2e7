// How the shipped plugins cross the C boundary: errors travel inside the plugin as C++
// exceptions and leave it as host statuses; nothing is thrown into the host.
#ifndef MODELEXPORT_PLUGINS_COMMON_BOUNDARY_H
#define MODELEXPORT_PLUGINS_COMMON_BOUNDARY_H

#include <modelexport/plugin.h>

#include <cstddef>
#include <exception>
#include <new>
#include <string>

namespace mxp {

// A status the host made (e.g. a bad index): returned to the host as is.
struct StatusError {
  mx_status_t* status;
};

// An error of the plugin itself: becomes a status with this code and message.
struct PluginError {
  int32_t code;
  std::string message;
};

inline void check(mx_status_t* status) {
  if (status != nullptr) throw StatusError{status};
}

[[noreturn]] inline void fail(int32_t code, const std::string& message) { throw PluginError{code, message}; }

// Runs body(); every exception becomes a status. Never throws.
template <typename Body>
mx_status_t* guarded(const mx_host_api_t* host, Body body) noexcept {
  if (host == nullptr) return nullptr;  // nobody to report to; the host never does this
  try {
    body();
    return nullptr;
  } catch (const StatusError& e) {
    return e.status;
  } catch (const PluginError& e) {
    return host->status_create(e.code, e.message.c_str());
  } catch (const std::bad_alloc&) {
    return host->status_create(MX_STATUS_FAILED, "out of memory");
  } catch (const std::exception& e) {
    return host->status_create(MX_STATUS_FAILED, e.what());
  } catch (...) {
    return host->status_create(MX_STATUS_FAILED, "unknown internal error");
  }
}

// True if `host` speaks our major version and offers every member up to `auxiliary_inherit`
// (all the shipped plugins use).
inline bool host_is_usable(const mx_host_api_t* host) {
  const std::size_t needed = offsetof(mx_host_api_t, auxiliary_inherit) + sizeof(host->auxiliary_inherit);
  return host != nullptr && host->struct_size >= needed &&
         mx_abi_check(MX_ABI_MAJOR, MX_ABI_MINOR, host->abi_major, host->abi_minor) == MX_ABI_COMPATIBLE;
}

}  // namespace mxp

#endif
