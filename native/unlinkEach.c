/*
 * Many unlinks at once, for the collector's delete workers (src/collect/deletePath.ts). On a disk
 * file system an unlink mostly waits (the journal, discards) rather than computes: 74,000 small
 * files on ext4 took 4.5 s one at a time, 1.7 s four at a time and 0.9 s sixteen at a time, and
 * a Node thread has one system call in flight (libuv's pool costs more in system time than it
 * saves here). unlinkEach runs one batch on a few threads of its own and returns each errno.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include "native.h"

#define MAX_THREADS 64

struct batch {
  const unsigned char *bytes;
  const uint32_t *offsets;
  int32_t *errnos;
  int64_t count;
  atomic_int_fast64_t next;
};

static void *work(void *arg) {
  struct batch *b = arg;
  char path[PATH_MAX];
  for (;;) {
    int64_t i = atomic_fetch_add(&b->next, 1);
    if (i >= b->count) return NULL;
    size_t length = b->offsets[i + 1] - b->offsets[i];
    // As unlink(2) itself would answer such a name (the caller unlinks it again, for its error).
    if (length >= sizeof path) {
      b->errnos[i] = ENAMETOOLONG;
      continue;
    }
    if (memchr(b->bytes + b->offsets[i], 0, length) != NULL) {
      b->errnos[i] = EINVAL;
      continue;
    }
    memcpy(path, b->bytes + b->offsets[i], length);
    path[length] = 0;
    b->errnos[i] = unlink(path) == 0 ? 0 : errno;
  }
}

/*
 * unlinkEach(bytes: Uint8Array, offsets: Uint32Array, threads, errnos: Int32Array): unlinks the
 * files named by bytes[offsets[i] .. offsets[i + 1]) on up to `threads` threads, errnos[i] = 0 or
 * the errno (ENAMETOOLONG for a name of PATH_MAX bytes or more, EINVAL for one holding a NUL,
 * neither tried). Blocks the calling thread until all are done.
 */
napi_value unlink_each(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  struct packed paths;
  void *errnos;
  size_t nerrnos;
  int32_t threads;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4 || !packed_strings(env, argv[0], argv[1], &paths) ||
      napi_get_value_int32(env, argv[2], &threads) != napi_ok || !typed_array(env, argv[3], napi_int32_array, &errnos, &nerrnos) ||
      nerrnos < paths.count || threads < 1) {
    napi_throw_type_error(env, NULL, "unlinkEach(bytes: Uint8Array, offsets: Uint32Array, threads, errnos: Int32Array), the offsets within the bytes");
    return NULL;
  }
  int64_t count = (int64_t)paths.count;
  struct batch batch = { .bytes = paths.bytes, .offsets = paths.offsets, .errnos = errnos, .count = count };
  atomic_init(&batch.next, 0);
  int n = threads > MAX_THREADS ? MAX_THREADS : threads;
  if (n > count) n = (int)count;
  pthread_t ids[MAX_THREADS];
  int started = 0;
  for (; started < n - 1; started++) {
    if (pthread_create(&ids[started], NULL, work, &batch) != 0) break;
  }
  // This thread works too; where no thread could be started, it does all of them.
  work(&batch);
  for (int t = 0; t < started; t++) pthread_join(ids[t], NULL);
  return NULL;
}
