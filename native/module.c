/*
 * storegc's native helper, built by the package's install script (node-gyp, against Node's own
 * headers); where it does not build or load, callers fall back to plain Node (src/store/native.ts).
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>
#include <string.h>
#include "native.h"

const char *errno_name(int errnum) {
  const char *name = strerrorname_np(errnum);
  return name == NULL ? "EUNKNOWN" : name;
}

static int export(napi_env env, napi_value exports, const char *name, napi_callback fn) {
  napi_value value;
  return napi_create_function(env, name, NAPI_AUTO_LENGTH, fn, NULL, &value) == napi_ok && napi_set_named_property(env, exports, name, value) == napi_ok;
}

NAPI_MODULE_INIT() {
  if (!export(env, exports, "mapFile", map_file) || !export(env, exports, "linkTimes", link_times) || !export(env, exports, "unlinkEach", unlink_each)) return NULL;
  return exports;
}
