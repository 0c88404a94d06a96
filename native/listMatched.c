/*
 * The store directory matched against the path table on a thread of libuv's pool, for `dead`,
 * `live` and `gc` once the graph is read (src/snapshot/matchedListing.ts): each entry named like
 * a store path is looked up in the table's own hash slots (src/graph/pathTable.ts: FNV-1a over
 * the first 24 bytes of the name, linear probing) as it is read, and only its id is kept. The
 * listing as names (listStore.c), 56 MB at 1.3M entries and as much again while it was sorted,
 * was a fifth of the peak memory of `dead --no-index` there; this keeps 5 MB of ids, the
 * unregistered names and the junk names.
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

/* As listStore.c (src/store/storePath.ts): the separator at HASH_LENGTH is not checked. */
#define HASH_LENGTH 32
#define MAX_NAME_LENGTH 211
#define HASHED_CHARS 24
static unsigned char char_class[256];

static void init_classes(void) {
  if (char_class['0'] != 0) return;
  for (const char *c = "0123456789abcdfghijklmnpqrsvwxyz"; *c; c++) char_class[(unsigned char)*c] |= 1;
  for (const char *c = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+-._?="; *c; c++) char_class[(unsigned char)*c] |= 2;
}

static int valid_base_name(const unsigned char *name, size_t length) {
  if (length < HASH_LENGTH + 2 || length > HASH_LENGTH + 1 + MAX_NAME_LENGTH) return 0;
  for (size_t k = 0; k < HASH_LENGTH; k++) if (!(char_class[name[k]] & 1)) return 0;
  for (size_t k = HASH_LENGTH + 1; k < length; k++) if (!(char_class[name[k]] & 2)) return 0;
  return 1;
}

struct grow {
  unsigned char *bytes;
  size_t nbytes, capbytes;
  uint32_t *offsets;
  size_t count, capoffsets;
};

static int grow_init(struct grow *g, size_t bytes, size_t offsets) {
  g->bytes = malloc(bytes);
  g->capbytes = bytes;
  g->nbytes = 0;
  g->offsets = malloc(offsets * sizeof *g->offsets);
  g->capoffsets = offsets;
  g->count = 0;
  if (g->offsets != NULL) g->offsets[0] = 0;
  return g->bytes != NULL && g->offsets != NULL;
}

static int grow_add(struct grow *g, const char *name, size_t length) {
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

struct job {
  napi_async_work work;
  napi_deferred deferred;
  napi_ref refs[3];
  char path[PATH_MAX];
  /* The path table: names (no prefix) in id order, and its slots (-1: empty). */
  struct packed table;
  const int32_t *slots;
  size_t nslots;
  /* Per entry named like a store path, in readdir order: its id, or -1. */
  int32_t *ids;
  size_t nids, capids;
  struct grow unregistered, junk;
  int failed;
  /* A slot naming no id of the table: the table is not what it says. */
  int bad_table;
};

static uint32_t fnv(const unsigned char *name, size_t length) {
  uint32_t h = 0x811c9dc5u;
  size_t stop = length < HASHED_CHARS ? length : HASHED_CHARS;
  for (size_t k = 0; k < stop; k++) h = (h ^ name[k]) * 0x01000193u;
  return h;
}

/* The id of `name` in the table, -1 where none, -2 where a slot names no id of the table. */
static int32_t lookup(const struct job *j, const unsigned char *name, size_t length, uint32_t h) {
  size_t mask = j->nslots - 1;
  for (size_t slot = h & mask, probes = 0; probes < j->nslots; slot = (slot + 1) & mask, probes++) {
    int32_t id = j->slots[slot];
    if (id == -1) return -1;
    if (id < 0 || (size_t)id >= j->table.count) return -2;
    uint32_t from = j->table.offsets[id], size = j->table.offsets[id + 1] - from;
    if (size == length && memcmp(j->table.bytes + from, name, length) == 0) return id;
  }
  return -1;
}

/*
 * Names are looked up a batch at a time, the memory each needs asked for ahead (slot, then the
 * offsets of its id, then its bytes): one by one, each lookup waited for three cache misses in a
 * row (1.3M entries: 0.65 s on top of the readdir).
 */
#define BATCH 256

struct batch {
  size_t count;
  size_t used;
  uint32_t at[BATCH + 1];
  uint32_t hash[BATCH];
  unsigned char bytes[BATCH * 256];
};

static int push_id(struct job *j, int32_t id) {
  if (j->nids == j->capids) {
    int32_t *grown = realloc(j->ids, j->capids * 2 * sizeof *grown);
    if (grown == NULL) return 0;
    j->ids = grown;
    j->capids *= 2;
  }
  j->ids[j->nids++] = id;
  return 1;
}

/* Looks up the batch's names in order, adding their ids (and the names not found); 0: stop. */
static int flush(struct job *j, struct batch *b) {
  size_t mask = j->nslots - 1;
  for (size_t k = 0; k < b->count; k++) __builtin_prefetch(&j->slots[b->hash[k] & mask]);
  for (size_t k = 0; k < b->count; k++) {
    int32_t id = j->slots[b->hash[k] & mask];
    if (id >= 0 && (size_t)id < j->table.count) __builtin_prefetch(&j->table.offsets[id]);
  }
  for (size_t k = 0; k < b->count; k++) {
    int32_t id = j->slots[b->hash[k] & mask];
    if (id >= 0 && (size_t)id < j->table.count) __builtin_prefetch(j->table.bytes + j->table.offsets[id]);
  }
  for (size_t k = 0; k < b->count; k++) {
    const unsigned char *name = b->bytes + b->at[k];
    size_t length = b->at[k + 1] - b->at[k];
    int32_t id = lookup(j, name, length, b->hash[k]);
    if (id == -2) {
      j->bad_table = 1;
      return 0;
    }
    if (!push_id(j, id) || (id == -1 && !grow_add(&j->unregistered, (const char *)name, length))) {
      j->failed = ENOMEM;
      return 0;
    }
  }
  b->count = 0;
  b->used = 0;
  return 1;
}

static void execute(napi_env env, void *data) {
  (void)env;
  struct job *j = data;
  j->capids = 1 << 16;
  j->ids = malloc(j->capids * sizeof *j->ids);
  struct batch *b = malloc(sizeof *b);
  if (j->ids == NULL || b == NULL || !grow_init(&j->unregistered, 1 << 12, 256) || !grow_init(&j->junk, 1 << 10, 64)) {
    j->failed = ENOMEM;
    free(b);
    return;
  }
  b->count = 0;
  b->used = 0;
  b->at[0] = 0;
  DIR *dir = opendir(j->path);
  if (dir == NULL) {
    j->failed = errno;
    free(b);
    return;
  }
  for (;;) {
    errno = 0;
    struct dirent *entry = readdir(dir);
    if (entry == NULL) {
      j->failed = errno;
      break;
    }
    const char *name = entry->d_name;
    if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))) continue;
    size_t n = strlen(name);
    if (valid_base_name((const unsigned char *)name, n)) {
      /* A store name is at most HASH_LENGTH + 1 + MAX_NAME_LENGTH (244) bytes: it fits. */
      memcpy(b->bytes + b->used, name, n);
      b->hash[b->count] = fnv((const unsigned char *)name, n);
      b->used += n;
      b->at[++b->count] = (uint32_t)b->used;
      if (b->count == BATCH && !flush(j, b)) break;
    } else if (strcmp(name, ".links") != 0 && !grow_add(&j->junk, name, n)) {
      j->failed = ENOMEM;
      break;
    }
  }
  closedir(dir);
  if (j->failed == 0 && !j->bad_table) flush(j, b);
  free(b);
}

static napi_value copied(napi_env env, const void *from, size_t length, napi_typedarray_type type, size_t elements) {
  void *to;
  napi_value buffer, array;
  if (napi_create_arraybuffer(env, length, &to, &buffer) != napi_ok || napi_create_typedarray(env, type, elements, buffer, 0, &array) != napi_ok) return NULL;
  if (length > 0) memcpy(to, from, length);
  return array;
}

static void complete(napi_env env, napi_status status, void *data) {
  struct job *j = data;
  napi_value result = NULL, ids, ub, uo, jb, jo;
  if (status == napi_ok && j->failed == 0 && !j->bad_table &&
      (ids = copied(env, j->ids, j->nids * sizeof *j->ids, napi_int32_array, j->nids)) != NULL &&
      (ub = copied(env, j->unregistered.bytes, j->unregistered.nbytes, napi_uint8_array, j->unregistered.nbytes)) != NULL &&
      (uo = copied(env, j->unregistered.offsets, (j->unregistered.count + 1) * sizeof(uint32_t), napi_uint32_array, j->unregistered.count + 1)) != NULL &&
      (jb = copied(env, j->junk.bytes, j->junk.nbytes, napi_uint8_array, j->junk.nbytes)) != NULL &&
      (jo = copied(env, j->junk.offsets, (j->junk.count + 1) * sizeof(uint32_t), napi_uint32_array, j->junk.count + 1)) != NULL &&
      napi_create_object(env, &result) == napi_ok &&
      napi_set_named_property(env, result, "ids", ids) == napi_ok && napi_set_named_property(env, result, "unregistered", ub) == napi_ok &&
      napi_set_named_property(env, result, "unregisteredOffsets", uo) == napi_ok && napi_set_named_property(env, result, "junk", jb) == napi_ok &&
      napi_set_named_property(env, result, "junkOffsets", jo) == napi_ok) {
    napi_resolve_deferred(env, j->deferred, result);
  } else {
    int code = status == napi_cancelled ? ECANCELED : j->failed != 0 ? j->failed : j->bad_table ? EINVAL : ENOMEM;
    char message[PATH_MAX + 64];
    if (j->bad_table) snprintf(message, sizeof message, "path table slots name no path of the table");
    else snprintf(message, sizeof message, "readdir '%s': %s", j->path, strerror(code));
    napi_value error = NULL, text, name;
    if (napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &text) == napi_ok && napi_create_string_utf8(env, errno_name(code), NAPI_AUTO_LENGTH, &name) == napi_ok &&
        napi_create_error(env, name, text, &error) == napi_ok) {
      napi_reject_deferred(env, j->deferred, error);
    } else {
      napi_value undefined;
      napi_get_undefined(env, &undefined);
      napi_reject_deferred(env, j->deferred, undefined);
    }
  }
  for (int k = 0; k < 3; k++) if (j->refs[k] != NULL) napi_delete_reference(env, j->refs[k]);
  napi_delete_async_work(env, j->work);
  free(j->ids);
  free(j->unregistered.bytes);
  free(j->unregistered.offsets);
  free(j->junk.bytes);
  free(j->junk.offsets);
  free(j);
}

/*
 * listStoreMatched(path: Uint8Array, tableBytes: Uint8Array, tableOffsets: Uint32Array, slots:
 * Int32Array): Promise<{ ids: Int32Array, unregistered: Uint8Array, unregisteredOffsets:
 * Uint32Array, junk: Uint8Array, junkOffsets: Uint32Array }>: per entry of the directory named
 * like a store path, in readdir order, the id of the table's name equal to it or -1; those
 * names, and the other names but `.`, `..` and `.links`, in readdir order. The table's arrays
 * are kept alive, and must not change, until the promise settles. A failure to read the
 * directory rejects with an error whose code is the errno's name.
 */
napi_value list_store_matched(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  void *path, *slots;
  size_t length, nslots;
  struct packed table;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4 || !typed_array(env, argv[0], napi_uint8_array, &path, &length) ||
      !packed_strings(env, argv[1], argv[2], &table) || !typed_array(env, argv[3], napi_int32_array, &slots, &nslots) || nslots == 0 || (nslots & (nslots - 1)) != 0 ||
      table.count > INT32_MAX) {
    napi_throw_type_error(env, NULL, "listStoreMatched(path: Uint8Array, tableBytes: Uint8Array, tableOffsets: Uint32Array, slots: Int32Array of a power of two)");
    return NULL;
  }
  if (length >= PATH_MAX || memchr(path, 0, length) != NULL) {
    int code = length >= PATH_MAX ? ENAMETOOLONG : EINVAL;
    napi_throw_error(env, errno_name(code), strerror(code));
    return NULL;
  }
  init_classes();
  struct job *j = calloc(1, sizeof *j);
  if (j == NULL) {
    napi_throw_error(env, "ENOMEM", strerror(ENOMEM));
    return NULL;
  }
  memcpy(j->path, path, length);
  j->path[length] = 0;
  j->table = table;
  j->slots = slots;
  j->nslots = nslots;
  napi_value promise, name;
  if (napi_create_reference(env, argv[1], 1, &j->refs[0]) != napi_ok || napi_create_reference(env, argv[2], 1, &j->refs[1]) != napi_ok ||
      napi_create_reference(env, argv[3], 1, &j->refs[2]) != napi_ok || napi_create_promise(env, &j->deferred, &promise) != napi_ok ||
      napi_create_string_utf8(env, "storegc.listStoreMatched", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_async_work(env, NULL, name, execute, complete, j, &j->work) != napi_ok || napi_queue_async_work(env, j->work) != napi_ok) {
    for (int k = 0; k < 3; k++) if (j->refs[k] != NULL) napi_delete_reference(env, j->refs[k]);
    free(j);
    napi_throw_error(env, NULL, "listStoreMatched: could not start");
    return NULL;
  }
  return promise;
}
