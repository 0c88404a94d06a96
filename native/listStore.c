/*
 * The store directory as `live`, `dead`, `roots --sizes` and `report` match it against the path
 * table (src/snapshot/packedListing.ts): the entries named like store paths in readdir order,
 * with their order by bytes, and the other names (junk) in readdir order. The same as listDir,
 * then the validity test and byteOrder of packedListing.ts, in one call. The names are not
 * copied into byte order (at 1.3M entries that copy was 72 MB more while it was made, at the
 * end of the listing, which could fall on the run's peak): matching reads them through the
 * order. listStoreOnThread does the same on a plain thread of its own, at a lower priority, and
 * hands its arrays over without a copy: where a worker thread booted a JavaScript engine for
 * this one call (25-38 ms of the other core, and its heap beside the run's peak).
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
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

/* An ArrayBuffer's finalizer: its malloc'd data freed with it. */
static void release_data(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  free(data);
}

/* A directory's listing as list_sorted leaves it: malloc'd, owned by whoever holds it. */
struct sorted {
  /* The store names in readdir order, and their indices in byte order. */
  struct names names;
  uint32_t *order;
  struct names junk;
};

static void free_sorted(struct sorted *s) {
  free(s->names.bytes);
  free(s->names.offsets);
  free(s->order);
  free(s->junk.bytes);
  free(s->junk.offsets);
  memset(s, 0, sizeof *s);
}

/*
 * The directory at `path` read into *out (store names in readdir order and their order by
 * bytes, junk in readdir order); 0, or the errno that stopped it (*out empty).
 */
static int list_sorted(const char *path, struct sorted *out) {
  init_classes();
  memset(out, 0, sizeof *out);
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
  if (failed != 0) {
    free(g.bytes);
    free(g.offsets);
    free(junk.bytes);
    free(junk.offsets);
    free(order);
    return failed;
  }
  out->names = g;
  out->order = order;
  out->junk = junk;
  return 0;
}

/* A typed array over `data`, copied into a new ArrayBuffer (copy) or handed to it, freed with it. */
static napi_value array_of(napi_env env, void *data, size_t length, napi_typedarray_type type, size_t elements, int copy) {
  napi_value buffer, array;
  if (copy) {
    void *to;
    if (napi_create_arraybuffer(env, length, &to, &buffer) != napi_ok) return NULL;
    if (length > 0) memcpy(to, data, length);
  } else if (napi_create_external_arraybuffer(env, data, length, release_data, NULL, &buffer) != napi_ok) {
    return NULL;
  }
  if (napi_create_typedarray(env, type, elements, buffer, 0, &array) != napi_ok) return NULL;
  return array;
}

/*
 * The listing as listStore returns it. copy 0: the arrays are handed over (each freed with its
 * ArrayBuffer, *s emptied of them as they are); copy 1: copied, *s left to the caller.
 */
static napi_value result_of(napi_env env, struct sorted *s, int copy) {
  napi_value result, bytes, offsets, order, junk_bytes, junk_offsets;
  if (napi_create_object(env, &result) != napi_ok) return NULL;
  void **owned[] = { (void **)&s->names.bytes, (void **)&s->names.offsets, (void **)&s->order, (void **)&s->junk.bytes, (void **)&s->junk.offsets };
  size_t count = s->names.count;
  size_t lengths[] = { s->names.nbytes, (count + 1) * sizeof(uint32_t), count * sizeof(int32_t), s->junk.nbytes, (s->junk.count + 1) * sizeof(uint32_t) };
  napi_typedarray_type types[] = { napi_uint8_array, napi_uint32_array, napi_int32_array, napi_uint8_array, napi_uint32_array };
  size_t elements[] = { s->names.nbytes, count + 1, count, s->junk.nbytes, s->junk.count + 1 };
  napi_value *arrays[] = { &bytes, &offsets, &order, &junk_bytes, &junk_offsets };
  for (int k = 0; k < 5; k++) {
    *arrays[k] = array_of(env, *owned[k], lengths[k], types[k], elements[k], copy);
    if (*arrays[k] == NULL) return NULL;
    if (!copy) *owned[k] = NULL;
  }
  if (napi_set_named_property(env, result, "bytes", bytes) != napi_ok || napi_set_named_property(env, result, "offsets", offsets) != napi_ok ||
      napi_set_named_property(env, result, "byteOrder", order) != napi_ok || napi_set_named_property(env, result, "junk", junk_bytes) != napi_ok ||
      napi_set_named_property(env, result, "junkOffsets", junk_offsets) != napi_ok) return NULL;
  return result;
}

/* The error a failed listing throws or rejects with: its code the errno's name. */
static napi_value error_of(napi_env env, const char *path, int failed) {
  char message[PATH_MAX + 64];
  snprintf(message, sizeof message, "readdir '%s': %s", path, strerror(failed));
  napi_value error = NULL, text, name;
  if (napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &text) != napi_ok || napi_create_string_utf8(env, errno_name(failed), NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_error(env, name, text, &error) != napi_ok) return NULL;
  return error;
}

/* The path argument as a C string in `path`; 0 with an error thrown if it cannot be one. */
static int path_argument(napi_env env, napi_value value, char path[PATH_MAX], const char *usage) {
  void *data;
  size_t length;
  if (!typed_array(env, value, napi_uint8_array, &data, &length)) {
    napi_throw_type_error(env, NULL, usage);
    return 0;
  }
  if (length >= PATH_MAX || memchr(data, 0, length) != NULL) {
    int code = length >= PATH_MAX ? ENAMETOOLONG : EINVAL;
    napi_throw_error(env, errno_name(code), strerror(code));
    return 0;
  }
  memcpy(path, data, length);
  path[length] = 0;
  return 1;
}

/*
 * listStore(path: Uint8Array): { bytes: Uint8Array, offsets: Uint32Array, byteOrder: Int32Array,
 * junk: Uint8Array, junkOffsets: Uint32Array }: the names of the directory's entries that parse
 * as store paths (isValidBaseNameAt) in readdir order, their indices in byte order, and the
 * other names but `.`, `..` and `.links` in readdir order. A failure to read the directory
 * throws as listDir does.
 */
napi_value list_store(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char path[PATH_MAX];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) {
    napi_throw_type_error(env, NULL, "listStore(path: Uint8Array)");
    return NULL;
  }
  if (!path_argument(env, argv[0], path, "listStore(path: Uint8Array)")) return NULL;
  struct sorted s;
  int failed = list_sorted(path, &s);
  napi_value result = NULL;
  if (failed != 0) {
    napi_value error = error_of(env, path, failed);
    if (error != NULL) napi_throw(env, error);
  } else {
    result = result_of(env, &s, 1);
  }
  free_sorted(&s);
  return result;
}

/* A listing on its thread: what it reads, what it makes, and how it tells the main thread. */
struct thread_listing {
  char path[PATH_MAX];
  int nice;
  int failed;
  struct sorted sorted;
  napi_deferred deferred;
  napi_threadsafe_function told;
};

/* On the main thread: the promise settled with the thread's listing, then everything let go. */
static void settle(napi_env env, napi_value callback, void *context, void *data) {
  (void)callback;
  (void)context;
  struct thread_listing *t = data;
  if (env != NULL) {
    napi_value value = t->failed == 0 ? result_of(env, &t->sorted, 0) : error_of(env, t->path, t->failed);
    if (value != NULL && t->failed == 0) {
      napi_resolve_deferred(env, t->deferred, value);
    } else {
      if (value == NULL) value = error_of(env, t->path, t->failed != 0 ? t->failed : ENOMEM);
      if (value == NULL) napi_get_undefined(env, &value);
      napi_reject_deferred(env, t->deferred, value);
    }
    napi_release_threadsafe_function(t->told, napi_tsfn_release);
  }
  free_sorted(&t->sorted);
  free(t);
}

static void *list_on_thread(void *data) {
  struct thread_listing *t = data;
  /* Linux's nice applies to the calling thread alone. Only scheduling: a failure changes nothing else. */
  if (t->nice > 0) setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), t->nice);
  t->failed = list_sorted(t->path, &t->sorted);
  /* The listing is settle's from here; if the environment is going away, nobody is waiting. */
  if (napi_call_threadsafe_function(t->told, t, napi_tsfn_blocking) != napi_ok) {
    free_sorted(&t->sorted);
    free(t);
  }
  return NULL;
}

/*
 * listStoreOnThread(path: Uint8Array, nice: number): Promise of what listStore returns, read on a
 * plain thread of its own running at that nice value (0: unchanged); a failure to read the
 * directory rejects with an error whose code is the errno's name. It keeps the process running
 * until it settles (a readdir: it ends by itself).
 */
napi_value list_store_on_thread(napi_env env, napi_callback_info info) {
  static const char usage[] = "listStoreOnThread(path: Uint8Array, nice: number)";
  size_t argc = 2;
  napi_value argv[2];
  int32_t nice = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 || napi_get_value_int32(env, argv[1], &nice) != napi_ok || nice < 0 || nice > 19) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  struct thread_listing *t = calloc(1, sizeof *t);
  if (t == NULL) {
    napi_throw_error(env, "ENOMEM", strerror(ENOMEM));
    return NULL;
  }
  if (!path_argument(env, argv[0], t->path, usage)) {
    free(t);
    return NULL;
  }
  t->nice = nice;
  napi_value promise, name;
  if (napi_create_promise(env, &t->deferred, &promise) != napi_ok || napi_create_string_utf8(env, "storegc.listStoreOnThread", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_threadsafe_function(env, NULL, NULL, name, 0, 1, NULL, NULL, NULL, settle, &t->told) != napi_ok) {
    free(t);
    napi_throw_error(env, NULL, "listStoreOnThread: could not start");
    return NULL;
  }
  pthread_t thread;
  int code = pthread_create(&thread, NULL, list_on_thread, t);
  if (code != 0) {
    t->failed = code;
    /* No thread: the promise rejects with why, as a failed listing would. */
    settle(env, NULL, NULL, t);
    return promise;
  }
  pthread_detach(thread);
  return promise;
}
