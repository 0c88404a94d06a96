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

int typed_array(napi_env env, napi_value value, napi_typedarray_type want, void **data, size_t *length) {
  bool is;
  napi_typedarray_type type;
  if (napi_is_typedarray(env, value, &is) != napi_ok || !is) return 0;
  if (napi_get_typedarray_info(env, value, &type, length, data, NULL, NULL) != napi_ok) return 0;
  return type == want;
}

int packed_strings(napi_env env, napi_value bytes, napi_value offsets, struct packed *out) {
  void *b, *at;
  size_t nbytes, noffsets;
  if (!typed_array(env, bytes, napi_uint8_array, &b, &nbytes) || !typed_array(env, offsets, napi_uint32_array, &at, &noffsets) || noffsets < 1) return 0;
  const uint32_t *o = at;
  for (size_t i = 0; i + 1 < noffsets; i++) if (o[i + 1] < o[i] || o[i + 1] > nbytes) return 0;
  out->bytes = b;
  out->offsets = o;
  out->count = noffsets - 1;
  return 1;
}

/*
 * detach(buffer: ArrayBuffer): the buffer detached (every view of it now empty), its memory let
 * go now where nothing else shares it (listStoreOnThread's arrays are freed at once), not when a
 * full collection of V8's heap finds it unreachable. Throws for a buffer that cannot be detached.
 */
static napi_value detach(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  bool is = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || napi_is_arraybuffer(env, argv[0], &is) != napi_ok || !is ||
      napi_detach_arraybuffer(env, argv[0]) != napi_ok) {
    napi_throw_type_error(env, NULL, "detach(buffer: ArrayBuffer of its own)");
  }
  return NULL;
}

static int export(napi_env env, napi_value exports, const char *name, napi_callback fn) {
  napi_value value;
  return napi_create_function(env, name, NAPI_AUTO_LENGTH, fn, NULL, &value) == napi_ok && napi_set_named_property(env, exports, name, value) == napi_ok;
}

NAPI_MODULE_INIT() {
  if (!export(env, exports, "mapFile", map_file) || !export(env, exports, "dropPages", drop_pages) || !export(env, exports, "linkTimes", link_times) || !export(env, exports, "unlinkEach", unlink_each) ||
      !export(env, exports, "byteOrder", byte_order) || !export(env, exports, "gather", gather) || !export(env, exports, "sharePrefix", share_prefix) || !export(env, exports, "matchSorted", match_sorted) ||
      !export(env, exports, "listDir", list_dir) || !export(env, exports, "listStore", list_store) || !export(env, exports, "listStoreOnThread", list_store_on_thread) || !export(env, exports, "listStoreMatched", list_store_matched) || !export(env, exports, "readLinks", read_links) || !export(env, exports, "rootRows", root_rows) || !export(env, exports, "rootRowsJson", root_rows_json) ||
      !export(env, exports, "writeAll", write_all) || !export(env, exports, "crcOnThread", crc_on_thread) || !export(env, exports, "crcFileOnThread", crc_file_on_thread) || !export(env, exports, "writeOnThread", write_on_thread) ||
      !export(env, exports, "joinJob", join_job) || !export(env, exports, "renumberCsr", renumber_csr) || !export(env, exports, "mallocTrim", malloc_trim_now) ||
      !export(env, exports, "crc32", crc32_now) || !export(env, exports, "detach", detach)) return NULL;
  return exports;
}
