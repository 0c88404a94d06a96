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
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>
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
 * The target of each symlink among the entries of `g` (their d_type says which), read relative
 * to the open directory (no walk of the whole path each time), into `t` (empty where it failed)
 * with each one's errno (0 when read); 0, or ENOMEM.
 */
static int read_links_at(int fd, const struct grow *g, struct grow *t, int32_t **errnos, size_t *nlinks) {
  size_t links = 0;
  for (size_t i = 0; i < g->count; i++) links += g->types[i] == DT_LNK;
  *errnos = malloc((links > 0 ? links : 1) * sizeof **errnos);
  if (*errnos == NULL || t->bytes == NULL || t->offsets == NULL) return ENOMEM;
  t->offsets[0] = 0;
  char name[NAME_MAX + 1];
  char target[PATH_MAX];
  for (size_t i = 0; i < g->count; i++) {
    if (g->types[i] != DT_LNK) continue;
    size_t length = g->offsets[i + 1] - g->offsets[i];
    ssize_t n = -1;
    if (length >= sizeof name) {
      errno = ENAMETOOLONG;
    } else {
      memcpy(name, g->bytes + g->offsets[i], length);
      name[length] = 0;
      n = readlinkat(fd, name, target, sizeof target);
      // A target that fills the buffer may have been cut: as Node would, say so.
      if (n == (ssize_t)sizeof target) {
        n = -1;
        errno = ENAMETOOLONG;
      }
    }
    (*errnos)[(*nlinks)++] = n < 0 ? errno : 0;
    if (!add(t, target, n < 0 ? 0 : (size_t)n, 0)) return ENOMEM;
  }
  return 0;
}

/*
 * listDir(path: Uint8Array, types?: boolean, links?: boolean): { bytes: Uint8Array, offsets:
 * Uint32Array, types?: Uint8Array, targets?: Uint8Array, targetOffsets?: Uint32Array,
 * linkErrnos?: Int32Array }, the names of the directory's entries but `.` and `..`, in readdir
 * order; with `types` each one's d_type (DT_REG, DT_DIR, DT_LNK, ..., DT_UNKNOWN where the file
 * system does not say); with `links` (types implied) the target of each DT_LNK entry, in their
 * order, and each one's errno (0 when read). A failure to read the directory throws, its code
 * the errno's name (ENOENT, ENOTDIR, EACCES, ...), naming the path.
 */
napi_value list_dir(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  void *data;
  size_t length;
  bool want_types = false, want_links = false;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || !typed_array(env, argv[0], napi_uint8_array, &data, &length) ||
      (argc > 1 && napi_get_value_bool(env, argv[1], &want_types) != napi_ok) || (argc > 2 && napi_get_value_bool(env, argv[2], &want_links) != napi_ok)) {
    napi_throw_type_error(env, NULL, "listDir(path: Uint8Array, types?: boolean, links?: boolean)");
    return NULL;
  }
  want_types = want_types || want_links;
  char path[PATH_MAX];
  if (length >= sizeof path || memchr(data, 0, length) != NULL) {
    int code = length >= sizeof path ? ENAMETOOLONG : EINVAL;
    napi_throw_error(env, errno_name(code), strerror(code));
    return NULL;
  }
  memcpy(path, data, length);
  path[length] = 0;
  struct grow g = { .bytes = malloc(1 << 16), .capbytes = 1 << 16, .offsets = malloc(1024 * sizeof(uint32_t)), .capoffsets = 1024, .types = want_types ? malloc(1024) : NULL };
  /* With links: the symlinks' targets, in their order among the entries, and each one's errno. */
  struct grow t = { .bytes = malloc(1 << 12), .capbytes = 1 << 12, .offsets = malloc(1024 * sizeof(uint32_t)), .capoffsets = 1024, .types = NULL };
  int32_t *link_errnos = NULL;
  size_t nlinks = 0;
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
    if (failed == 0 && want_links) failed = read_links_at(dirfd(dir), &g, &t, &link_errnos, &nlinks);
    closedir(dir);
  }
  napi_value result = NULL, bytes, offsets, types, targets, target_offsets, errnos;
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
    if (result != NULL && want_links &&
        ((targets = copied(env, t.bytes, t.nbytes, napi_uint8_array, t.nbytes)) == NULL || napi_set_named_property(env, result, "targets", targets) != napi_ok ||
         (target_offsets = copied(env, t.offsets, (t.count + 1) * sizeof(uint32_t), napi_uint32_array, t.count + 1)) == NULL || napi_set_named_property(env, result, "targetOffsets", target_offsets) != napi_ok ||
         (errnos = copied(env, link_errnos, nlinks * sizeof(int32_t), napi_int32_array, nlinks)) == NULL || napi_set_named_property(env, result, "linkErrnos", errnos) != napi_ok)) result = NULL;
  }
  free(g.bytes);
  free(g.offsets);
  free(g.types);
  free(t.bytes);
  free(t.offsets);
  free(link_errnos);
  return result;
}
