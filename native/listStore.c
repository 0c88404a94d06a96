/*
 * The store directory as `live`, `dead`, `roots --sizes` and `report` match it against the path
 * table (src/snapshot/packedListing.ts): the entries named like store paths, in byte order, with
 * each one's place in readdir order, and the other names (junk) in readdir order. The same as
 * listDir, then the validity test, byteOrder and gather of packedListing.ts, in one call: the
 * listing in readdir order, the order and the per-entry arrays are freed here before it returns,
 * where the listing thread held them until it exited (at 1.3M entries about 75 MB more at the
 * run's peak).
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

/* src/store/storePath.ts: HASH_LENGTH, MAX_NAME_LENGTH, CHAR_CLASS (hash chars 1, name chars 2). */
#define HASH_LENGTH 32
#define MAX_NAME_LENGTH 211
static unsigned char char_class[256];

static void init_classes(void) {
  if (char_class['0'] != 0) return;
  for (const char *c = "0123456789abcdfghijklmnpqrsvwxyz"; *c; c++) char_class[(unsigned char)*c] |= 1;
  for (const char *c = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+-._?="; *c; c++) char_class[(unsigned char)*c] |= 2;
}

/* isValidBaseNameAt (storePath.ts): the separator at HASH_LENGTH is not checked, as in Nix 2.8. */
static int valid_base_name(const unsigned char *name, size_t length) {
  if (length < HASH_LENGTH + 2 || length > HASH_LENGTH + 1 + MAX_NAME_LENGTH) return 0;
  for (size_t k = 0; k < HASH_LENGTH; k++) if (!(char_class[name[k]] & 1)) return 0;
  for (size_t k = HASH_LENGTH + 1; k < length; k++) if (!(char_class[name[k]] & 2)) return 0;
  return 1;
}

struct names {
  unsigned char *bytes;
  size_t nbytes, capbytes;
  uint32_t *offsets;
  size_t count, capoffsets;
};

static int add_name(struct names *g, const char *name, size_t length) {
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
    g->capoffsets *= 2;
  }
  memcpy(g->bytes + g->nbytes, name, length);
  g->nbytes += length;
  g->offsets[++g->count] = (uint32_t)g->nbytes;
  return g->nbytes <= UINT32_MAX;
}

/* A typed array of `elements` over a new ArrayBuffer of `length` bytes; its data in *data. */
static napi_value fresh(napi_env env, size_t length, napi_typedarray_type type, size_t elements, void **data) {
  napi_value buffer, array;
  if (napi_create_arraybuffer(env, length, data, &buffer) != napi_ok) return NULL;
  if (napi_create_typedarray(env, type, elements, buffer, 0, &array) != napi_ok) return NULL;
  return array;
}

/*
 * listStore(path: Uint8Array): { bytes: Uint8Array, offsets: Uint32Array, readdirIndex:
 * Int32Array, junk: Uint8Array, junkOffsets: Uint32Array }: the names of the directory's entries
 * that parse as store paths (isValidBaseNameAt) in byte order, each one's place among them in
 * readdir order, and the other names but `.`, `..` and `.links` in readdir order. A failure to
 * read the directory throws as listDir does.
 */
napi_value list_store(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *data;
  size_t length;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || !typed_array(env, argv[0], napi_uint8_array, &data, &length)) {
    napi_throw_type_error(env, NULL, "listStore(path: Uint8Array)");
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
  init_classes();
  /* Store names and junk names, each in readdir order. */
  struct names g = { .bytes = malloc(1 << 16), .capbytes = 1 << 16, .offsets = malloc(1024 * sizeof(uint32_t)), .capoffsets = 1024 };
  struct names junk = { .bytes = malloc(1 << 10), .capbytes = 1 << 10, .offsets = malloc(64 * sizeof(uint32_t)), .capoffsets = 64 };
  uint32_t *order = NULL;
  int failed = 0;
  int no_memory = g.bytes == NULL || g.offsets == NULL || junk.bytes == NULL || junk.offsets == NULL;
  DIR *dir = no_memory ? NULL : opendir(path);
  if (dir == NULL) {
    failed = no_memory ? ENOMEM : errno;
  } else {
    g.offsets[0] = 0;
    junk.offsets[0] = 0;
    for (;;) {
      errno = 0;
      struct dirent *entry = readdir(dir);
      if (entry == NULL) {
        failed = errno;
        break;
      }
      const char *name = entry->d_name;
      if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))) continue;
      size_t n = strlen(name);
      int ok;
      if (valid_base_name((const unsigned char *)name, n)) ok = add_name(&g, name, n);
      else if (strcmp(name, ".links") == 0) ok = 1;
      else ok = add_name(&junk, name, n);
      if (!ok) {
        failed = ENOMEM;
        break;
      }
    }
    closedir(dir);
  }
  if (failed == 0) {
    order = malloc((g.count > 0 ? g.count : 1) * sizeof *order);
    struct packed s = { g.bytes, g.offsets, g.count };
    if (order != NULL) for (size_t i = 0; i < g.count; i++) order[i] = (uint32_t)i;
    if (order == NULL || !sort_indices(&s, order, g.count)) failed = ENOMEM;
  }
  napi_value result = NULL, bytes, offsets, index, junk_bytes, junk_offsets;
  void *b, *o, *x, *jb, *jo;
  if (failed != 0) {
    char message[PATH_MAX + 64];
    snprintf(message, sizeof message, "readdir '%s': %s", path, strerror(failed));
    napi_throw_error(env, errno_name(failed), message);
  } else if ((bytes = fresh(env, g.nbytes, napi_uint8_array, g.nbytes, &b)) != NULL &&
             (offsets = fresh(env, (g.count + 1) * sizeof(uint32_t), napi_uint32_array, g.count + 1, &o)) != NULL &&
             (index = fresh(env, g.count * sizeof(int32_t), napi_int32_array, g.count, &x)) != NULL &&
             (junk_bytes = fresh(env, junk.nbytes, napi_uint8_array, junk.nbytes, &jb)) != NULL &&
             (junk_offsets = fresh(env, (junk.count + 1) * sizeof(uint32_t), napi_uint32_array, junk.count + 1, &jo)) != NULL &&
             napi_create_object(env, &result) == napi_ok) {
    unsigned char *to = b;
    uint32_t *at = o;
    int32_t *readdir_index = x;
    at[0] = 0;
    for (size_t k = 0, used = 0; k < g.count; k++) {
      uint32_t i = order[k], from = g.offsets[i], n = g.offsets[i + 1] - from;
      memcpy(to + used, g.bytes + from, n);
      used += n;
      at[k + 1] = (uint32_t)used;
      readdir_index[k] = (int32_t)i;
    }
    if (junk.nbytes > 0) memcpy(jb, junk.bytes, junk.nbytes);
    memcpy(jo, junk.offsets, (junk.count + 1) * sizeof(uint32_t));
    if (napi_set_named_property(env, result, "bytes", bytes) != napi_ok || napi_set_named_property(env, result, "offsets", offsets) != napi_ok ||
        napi_set_named_property(env, result, "readdirIndex", index) != napi_ok || napi_set_named_property(env, result, "junk", junk_bytes) != napi_ok ||
        napi_set_named_property(env, result, "junkOffsets", junk_offsets) != napi_ok) result = NULL;
  }
  free(g.bytes);
  free(g.offsets);
  free(junk.bytes);
  free(junk.offsets);
  free(order);
  return result;
}
