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
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "native.h"

/* The mappings alive (dropPages acts only within them), shared by every thread that loads the helper. */
struct mapped {
  char *at;
  size_t length;
  struct mapped *next;
};
static struct mapped *mappings;
static pthread_mutex_t mappings_lock = PTHREAD_MUTEX_INITIALIZER;

static void unmap(napi_env env, void *data, void *hint) {
  (void)env;
  pthread_mutex_lock(&mappings_lock);
  for (struct mapped **m = &mappings; *m != NULL; m = &(*m)->next) {
    if ((*m)->at == data) {
      struct mapped *gone = *m;
      *m = gone->next;
      free(gone);
      break;
    }
  }
  pthread_mutex_unlock(&mappings_lock);
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
  struct mapped *entry = malloc(sizeof *entry);
  napi_value buffer;
  if (entry == NULL || napi_create_external_arraybuffer(env, data, (size_t)length, unmap, (void *)(uintptr_t)length, &buffer) != napi_ok) {
    free(entry);
    munmap(data, (size_t)length);
    napi_throw_error(env, "EMAP", "cannot make an ArrayBuffer of the mapping");
    return NULL;
  }
  entry->at = data;
  entry->length = (size_t)length;
  pthread_mutex_lock(&mappings_lock);
  entry->next = mappings;
  mappings = entry;
  pthread_mutex_unlock(&mappings_lock);
  return buffer;
}

/* The whole pages of mapFile's mappings within [data, data + length) given back (dropPages); the bytes dropped. Any thread. */
size_t drop_mapped(const void *data, size_t length) {
  if (data == NULL || length == 0) return 0;
  uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
  uintptr_t from = ((uintptr_t)data + page - 1) & ~(page - 1);
  uintptr_t to = ((uintptr_t)data + length) & ~(page - 1);
  size_t dropped = 0;
  pthread_mutex_lock(&mappings_lock);
  for (struct mapped *m = mappings; m != NULL && from < to; m = m->next) {
    uintptr_t lo = (uintptr_t)m->at > from ? (uintptr_t)m->at : from;
    uintptr_t hi = (uintptr_t)m->at + m->length < to ? (uintptr_t)m->at + m->length : to;
    lo = (lo + page - 1) & ~(page - 1);
    hi = hi & ~(page - 1);
    if (lo < hi && madvise((void *)lo, hi - lo, MADV_DONTNEED) == 0) dropped += hi - lo;
  }
  pthread_mutex_unlock(&mappings_lock);
  return dropped;
}

/*
 * dropPages(view: TypedArray): the whole pages of a mapping made by mapFile under the view given
 * back to the kernel (madvise MADV_DONTNEED), for views no longer needed: the process's resident
 * memory falls by them at once, where unmapping waits for the collector. A page read again is
 * read from the file again: the same bytes, as the caches are never rewritten in place, and
 * nothing of ours writes into a mapping (the copy-on-write is a guard only). Memory that is not
 * such a mapping is left alone. Answers the bytes dropped.
 */
napi_value drop_pages(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  bool is;
  napi_typedarray_type type;
  size_t count;
  void *data;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || napi_is_typedarray(env, argv[0], &is) != napi_ok || !is ||
      napi_get_typedarray_info(env, argv[0], &type, &count, &data, NULL, NULL) != napi_ok) {
    napi_throw_type_error(env, NULL, "dropPages(view: TypedArray)");
    return NULL;
  }
  size_t size = 1;
  if (type == napi_int16_array || type == napi_uint16_array) size = 2;
  else if (type == napi_int32_array || type == napi_uint32_array || type == napi_float32_array) size = 4;
  else if (type == napi_float64_array || type == napi_bigint64_array || type == napi_biguint64_array) size = 8;
  double dropped = (double)drop_mapped(data, count * size);
  napi_value out;
  napi_create_double(env, dropped, &out);
  return out;
}
