/*
 * One directory's names in readdir order, packed (bytes and offsets, src/store/byteOrder.ts),
 * with their types if asked, for the store listing (src/snapshot/packedListing.ts) and the
 * roots scanner (src/roots/scanFs.ts): 200k entries in 0.07 s here against 0.15 s through
 * Node's Dir, which makes an entry object and a string per name.
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "native.h"

struct grow {
  unsigned char *bytes;
  size_t nbytes, capbytes;
  uint32_t *offsets;
  size_t count, capoffsets;
  /* d_type of each name, when asked for (room for capoffsets). */
  unsigned char *types;
};

static int add(struct grow *g, const char *name, size_t length, unsigned char type) {
  if (g->nbytes + length > g->capbytes) {
    size_t cap = g->capbytes * 2 > g->nbytes + length ? g->capbytes * 2 : g->nbytes + length;
    unsigned char *b = realloc(g->bytes, cap);
    if (b == NULL) return 0;
    g->bytes = b;
    g->capbytes = cap;
  }
  if (g->count + 2 > g->capoffsets) {
    uint32_t *o = realloc(g->offsets, g->capoffsets * 2 * sizeof *o);
    if (o == NULL) return 0;
    g->offsets = o;
    if (g->types != NULL) {
      unsigned char *t = realloc(g->types, g->capoffsets * 2);
      if (t == NULL) return 0;
      g->types = t;
    }
    g->capoffsets *= 2;
  }
  if (g->types != NULL) g->types[g->count] = type;
  memcpy(g->bytes + g->nbytes, name, length);
  g->nbytes += length;
  g->offsets[++g->count] = (uint32_t)g->nbytes;
  return g->nbytes <= UINT32_MAX;
}

static napi_value copied(napi_env env, const void *data, size_t length, napi_typedarray_type type, size_t elements) {
  void *into;
  napi_value buffer, array;
  if (napi_create_arraybuffer(env, length, &into, &buffer) != napi_ok) return NULL;
  if (length > 0) memcpy(into, data, length);
  if (napi_create_typedarray(env, type, elements, buffer, 0, &array) != napi_ok) return NULL;
  return array;
}

/*
 * listDir(path: Uint8Array, types?: boolean): { bytes: Uint8Array, offsets: Uint32Array, types?:
 * Uint8Array }, the names of the directory's entries but `.` and `..`, in readdir order, and
 * with `types` each one's d_type (DT_REG, DT_DIR, DT_LNK, ..., DT_UNKNOWN where the file system
 * does not say). A failure throws, its code the errno's name (ENOENT, ENOTDIR, EACCES, ...),
 * naming the path.
 */
napi_value list_dir(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  void *data;
  size_t length;
  bool want_types = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || !typed_array(env, argv[0], napi_uint8_array, &data, &length) ||
      (argc > 1 && napi_get_value_bool(env, argv[1], &want_types) != napi_ok)) {
    napi_throw_type_error(env, NULL, "listDir(path: Uint8Array, types?: boolean)");
    return NULL;
  }
  char path[PATH_MAX];
  if (length >= sizeof path || memchr(data, 0, length) != NULL) {
    int code = length >= sizeof path ? ENAMETOOLONG : EINVAL;
    napi_throw_error(env, errno_name(code), strerror(code));
    return NULL;
  }
  memcpy(path, data, length);
  path[length] = 0;
  struct grow g = { .bytes = malloc(1 << 16), .capbytes = 1 << 16, .offsets = malloc(1024 * sizeof(uint32_t)), .capoffsets = 1024, .types = want_types ? malloc(1024) : NULL };
  int failed = 0;
  int no_memory = g.bytes == NULL || g.offsets == NULL || (want_types && g.types == NULL);
  DIR *dir = no_memory ? NULL : opendir(path);
  if (dir == NULL) {
    failed = no_memory ? ENOMEM : errno;
  } else {
    g.offsets[0] = 0;
    for (;;) {
      errno = 0;
      struct dirent *entry = readdir(dir);
      if (entry == NULL) {
        failed = errno;
        break;
      }
      const char *name = entry->d_name;
      if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))) continue;
      if (!add(&g, name, strlen(name), entry->d_type)) {
        failed = ENOMEM;
        break;
      }
    }
    closedir(dir);
  }
  napi_value result = NULL, bytes, offsets, types;
  if (failed != 0) {
    char message[PATH_MAX + 64];
    snprintf(message, sizeof message, "readdir '%s': %s", path, strerror(failed));
    napi_throw_error(env, errno_name(failed), message);
  } else if ((bytes = copied(env, g.bytes, g.nbytes, napi_uint8_array, g.nbytes)) != NULL &&
             (offsets = copied(env, g.offsets, (g.count + 1) * sizeof(uint32_t), napi_uint32_array, g.count + 1)) != NULL &&
             napi_create_object(env, &result) == napi_ok) {
    if (napi_set_named_property(env, result, "bytes", bytes) != napi_ok || napi_set_named_property(env, result, "offsets", offsets) != napi_ok) result = NULL;
    if (result != NULL && want_types &&
        ((types = copied(env, g.types, g.count, napi_uint8_array, g.count)) == NULL || napi_set_named_property(env, result, "types", types) != napi_ok)) result = NULL;
  }
  free(g.bytes);
  free(g.offsets);
  free(g.types);
  return result;
}
