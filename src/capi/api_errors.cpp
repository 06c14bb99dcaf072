// Status codes, messages, sizes and the version: the parts of the C API without state.

#include <string>

#include "capi_internal.h"
#include "rosenpass/crypto/secure_memory.h"
#include "rosenpass/kem/mceliece460896.h"

namespace rosenpass::capi {
namespace {
thread_local std::string t_last_error;
}  // namespace

int fail(int code, std::string message) {
  t_last_error = std::move(message);
  return code;
}

int succeed() {
  t_last_error.clear();
  return ROSENPASS_OK;
}

static_assert(ROSENPASS_PUBLIC_KEY_SIZE == kem::mceliece460896::kPublicKeySize);
static_assert(ROSENPASS_SECRET_KEY_SIZE == kem::mceliece460896::kSecretKeySize);

}  // namespace rosenpass::capi

extern "C" {

const char* rosenpass_version(void) {
  return RP_VERSION_STRING;
}

size_t rosenpass_public_key_size(void) { return ROSENPASS_PUBLIC_KEY_SIZE; }
size_t rosenpass_secret_key_size(void) { return ROSENPASS_SECRET_KEY_SIZE; }
size_t rosenpass_psk_size(void) { return ROSENPASS_PSK_SIZE; }
size_t rosenpass_key_size(void) { return ROSENPASS_KEY_SIZE; }
size_t rosenpass_peer_id_size(void) { return ROSENPASS_PEER_ID_SIZE; }
size_t rosenpass_endpoint_max(void) { return ROSENPASS_ENDPOINT_MAX; }

const char* rosenpass_strerror(int code) {
  switch (code) {
    case ROSENPASS_OK: return "success";
    case ROSENPASS_E_ARGUMENT: return "invalid argument";
    case ROSENPASS_E_HANDLE: return "invalid or destroyed handle";
    case ROSENPASS_E_SIZE: return "wrong size";
    case ROSENPASS_E_KEY_FILE: return "bad key file";
    case ROSENPASS_E_IO: return "input/output error";
    case ROSENPASS_E_ADDRESS: return "bad address";
    case ROSENPASS_E_DUPLICATE: return "peer already configured";
    case ROSENPASS_E_STATE: return "not allowed in this state";
    case ROSENPASS_E_EMPTY: return "no event queued";
    case ROSENPASS_E_TIMEOUT: return "timed out";
    case ROSENPASS_E_CLOSED: return "server destroyed";
    case ROSENPASS_E_NO_MEMORY: return "out of memory";
    case ROSENPASS_E_INTERNAL: return "internal error";
    default: return "unknown status code";
  }
}

const char* rosenpass_last_error(void) {
  return rosenpass::capi::t_last_error.c_str();
}

void rosenpass_wipe(void* p, size_t len) {
  if (p) rosenpass::crypto::secure_zero(p, len);
}

}  // extern "C"
