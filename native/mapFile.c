/*
 * A file's bytes mapped into memory (mmap, private, read-write
 * copy-on-write) as an ArrayBuffer, unmapped when the buffer is collected. Reading a cache file
 * into fresh memory costs a page fault per 4 KiB page, each zero-filled first (on some virtual
 * machines ~12 us a page: a 278 MB cache read took 0.86 s); the file's own pages, already in the
 * page cache, map for a fraction of that. Private and writable so that no code of ours writing into a
 * decoded array ever reaches the file or faults; the caches are replaced by rename, never rewritten in
 * place, so a mapped file never shrinks under us.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include "native.h"

static void unmap(napi_env env, void *data, void *hint) {
  (void)env;
  munmap(data, (size_t)(uintptr_t)hint);
}

/* mapFile(fd, length): ArrayBuffer of the file's first `length` bytes (length > 0). */
napi_value map_file(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2) {
    napi_throw_type_error(env, NULL, "mapFile(fd, length)");
    return NULL;
  }
  int32_t fd;
  int64_t length;
  if (napi_get_value_int32(env, argv[0], &fd) != napi_ok || napi_get_value_int64(env, argv[1], &length) != napi_ok || fd < 0 || length <= 0) {
    napi_throw_type_error(env, NULL, "mapFile: a file descriptor and a positive length");
    return NULL;
  }
  void *data = mmap(NULL, (size_t)length, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  if (data == MAP_FAILED) {
    napi_throw_error(env, "EMAP", strerror(errno));
    return NULL;
  }
  napi_value buffer;
  if (napi_create_external_arraybuffer(env, data, (size_t)length, unmap, (void *)(uintptr_t)length, &buffer) != napi_ok) {
    munmap(data, (size_t)length);
    napi_throw_error(env, "EMAP", "cannot make an ArrayBuffer of the mapping");
    return NULL;
  }
  return buffer;
}
