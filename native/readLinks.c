/*
 * The targets of many symlinks in one call, for the roots scanner (src/roots/scanTree.ts): a
 * Hydra roots directory holds links by the ten thousand, and from JavaScript each readlink
 * costs a path conversion and a string besides the system call.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "native.h"

/*
 * readLinks(bytes: Uint8Array, offsets: Uint32Array, errnos: Int32Array): { bytes: Uint8Array,
 * offsets: Uint32Array }, the target of each packed path (empty where it failed), and each
 * one's errno (0 where read). A path too long, or holding a NUL, is that path's ENAMETOOLONG
 * or EINVAL, as readlink(2) or Node would answer.
 */
napi_value read_links(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  struct packed links;
  void *errnos_data;
  size_t nerrnos;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 || !packed_strings(env, argv[0], argv[1], &links) ||
      !typed_array(env, argv[2], napi_int32_array, &errnos_data, &nerrnos) || nerrnos != links.count) {
    napi_throw_type_error(env, NULL, "readLinks(bytes: Uint8Array, offsets: Uint32Array, errnos: Int32Array), one errno slot per path");
    return NULL;
  }
  int32_t *errnos = errnos_data;
  size_t cap = 4096, used = 0;
  unsigned char *targets = malloc(cap);
  uint32_t *at = malloc((links.count + 1) * sizeof *at);
  if (targets == NULL || at == NULL) {
    free(targets);
    free(at);
    napi_throw_error(env, "ENOMEM", "readLinks: out of memory");
    return NULL;
  }
  at[0] = 0;
  char path[PATH_MAX];
  char target[PATH_MAX];
  for (size_t i = 0; i < links.count; i++) {
    uint32_t start = links.offsets[i];
    size_t length = links.offsets[i + 1] - start;
    ssize_t n = -1;
    if (length >= sizeof path || memchr(links.bytes + start, 0, length) != NULL) {
      errno = length >= sizeof path ? ENAMETOOLONG : EINVAL;
    } else {
      memcpy(path, links.bytes + start, length);
      path[length] = 0;
      n = readlink(path, target, sizeof target);
      // A target that fills the buffer may have been cut: as Node would, say so.
      if (n == (ssize_t)sizeof target) {
        n = -1;
        errno = ENAMETOOLONG;
      }
    }
    errnos[i] = n < 0 ? errno : 0;
    if (n > 0) {
      if (used + (size_t)n > cap) {
        while (used + (size_t)n > cap) cap *= 2;
        unsigned char *grown = realloc(targets, cap);
        if (grown == NULL) {
          free(targets);
          free(at);
          napi_throw_error(env, "ENOMEM", "readLinks: out of memory");
          return NULL;
        }
        targets = grown;
      }
      memcpy(targets + used, target, (size_t)n);
      used += (size_t)n;
    }
    at[i + 1] = (uint32_t)used;
  }
  napi_value result = NULL, bytes, offsets, buffer;
  void *into;
  if (napi_create_arraybuffer(env, used, &into, &buffer) == napi_ok && (used == 0 || memcpy(into, targets, used)) &&
      napi_create_typedarray(env, napi_uint8_array, used, buffer, 0, &bytes) == napi_ok &&
      napi_create_arraybuffer(env, (links.count + 1) * sizeof *at, &into, &buffer) == napi_ok && memcpy(into, at, (links.count + 1) * sizeof *at) &&
      napi_create_typedarray(env, napi_uint32_array, links.count + 1, buffer, 0, &offsets) == napi_ok && napi_create_object(env, &result) == napi_ok) {
    if (napi_set_named_property(env, result, "bytes", bytes) != napi_ok || napi_set_named_property(env, result, "offsets", offsets) != napi_ok) result = NULL;
  }
  free(targets);
  free(at);
  return result;
}
