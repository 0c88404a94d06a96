/*
 * The byte order of packed strings (src/store/byteOrder.ts packs them), for the path table and
 * the store listing: at 200k store paths, sorting, checking the shared prefix and copying the
 * paths into sorted order took 0.2 s of the main thread from JavaScript (a byte at a time, the
 * copies in random order) and take 0.04 s here.
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "native.h"

struct item {
  /* The first 8 bytes compared (from `skip`), big-endian, zero-padded: zero is the least byte,
     so a key orders two strings as their bytes do unless the keys are equal. */
  uint64_t key;
  uint32_t index;
};

/* What the comparison needs besides the items: per call, since worker threads sort at once. */
struct strings {
  const unsigned char *bytes;
  const uint32_t *offsets;
  uint32_t skip;
};

static int compare(const void *pa, const void *pb, void *context) {
  const struct item *a = pa, *b = pb;
  const struct strings *s = context;
  if (a->key != b->key) return a->key < b->key ? -1 : 1;
  uint32_t fa = s->offsets[a->index] + s->skip, la = s->offsets[a->index + 1] - fa;
  uint32_t fb = s->offsets[b->index] + s->skip, lb = s->offsets[b->index + 1] - fb;
  int c = memcmp(s->bytes + fa, s->bytes + fb, la < lb ? la : lb);
  if (c != 0) return c;
  if (la != lb) return la < lb ? -1 : 1;
  // Equal strings keep their order (a stable sort, as the JavaScript one is).
  return a->index < b->index ? -1 : 1;
}

/*
 * Items in key order, stably (index order among equal keys): four passes of 16 bits each, least
 * significant first (a pass whose digit is the same for every key is skipped). 200k keys take a
 * sixth of a comparison sort's time.
 */
static int radix_sort(struct item *items, size_t count) {
  struct item *other = malloc(count * sizeof *other);
  size_t *histograms = calloc(4 * 65536, sizeof *histograms);
  if (other == NULL || histograms == NULL) {
    free(other);
    free(histograms);
    return 0;
  }
  for (size_t i = 0; i < count; i++) {
    for (int pass = 0; pass < 4; pass++) histograms[pass * 65536 + ((items[i].key >> (16 * pass)) & 0xffff)]++;
  }
  struct item *from = items, *to = other;
  for (int pass = 0; pass < 4; pass++) {
    size_t *h = histograms + pass * 65536;
    if (h[(items[0].key >> (16 * pass)) & 0xffff] == count) continue;
    size_t at = 0;
    for (size_t d = 0; d < 65536; d++) {
      size_t c = h[d];
      h[d] = at;
      at += c;
    }
    for (size_t i = 0; i < count; i++) to[h[(from[i].key >> (16 * pass)) & 0xffff]++] = from[i];
    struct item *t = from;
    from = to;
    to = t;
  }
  if (from != items) memcpy(items, from, count * sizeof *items);
  free(other);
  free(histograms);
  return 1;
}

/* How many bytes past `depth` every string of items[from .. to) shares with the first. */
static uint32_t shared_past(const struct packed *s, const struct item *items, size_t from, size_t to, uint32_t depth) {
  const unsigned char *first = s->bytes + s->offsets[items[from].index];
  uint32_t shared = s->offsets[items[from].index + 1] - s->offsets[items[from].index];
  for (size_t i = from + 1; i < to && shared > depth; i++) {
    uint32_t at = s->offsets[items[i].index], length = s->offsets[items[i].index + 1] - at, k = depth;
    if (length < shared) shared = length;
    while (k < shared && s->bytes[at + k] == first[k]) k++;
    shared = k;
  }
  return shared > depth ? shared - depth : 0;
}

struct range {
  size_t from, to;
  uint32_t depth;
};

/*
 * Sorts items[from .. to), whose strings share their first `depth` bytes, into byte order, index
 * order among equal strings. Most significant bytes first: a range skips the bytes it shares,
 * then is sorted by its next 8; a run of equal keys whose strings all go on past them is a range
 * of its own, 8 bytes deeper. Root links share their roots directory, then a directory per user
 * and per project: the old sort compared 700k of them in full after the first 8 bytes (0.4 s).
 * Small ranges, and runs where a string ends inside the 8 bytes, are compared in full (qsort_r).
 * 0: out of memory.
 */
static int sort_strings(const struct packed *s, struct item *items, size_t count) {
  size_t capacity = 64, depth_of_stack = 0;
  struct range *stack = malloc(capacity * sizeof *stack);
  if (stack == NULL) return 0;
  stack[depth_of_stack++] = (struct range){ 0, count, 0 };
  while (depth_of_stack > 0) {
    struct range r = stack[--depth_of_stack];
    if (r.to - r.from < 2) continue;
    uint32_t depth = r.depth + shared_past(s, items, r.from, r.to, r.depth);
    for (size_t i = r.from; i < r.to; i++) {
      uint32_t from = s->offsets[items[i].index] + depth, end = s->offsets[items[i].index + 1];
      uint64_t key = 0;
      for (uint32_t k = 0; k < 8; k++) key = (key << 8) | (from + k < end ? s->bytes[from + k] : 0);
      items[i].key = key;
    }
    struct strings context = { s->bytes, s->offsets, depth };
    if (r.to - r.from < 4096) {
      qsort_r(items + r.from, r.to - r.from, sizeof *items, compare, &context);
      continue;
    }
    if (!radix_sort(items + r.from, r.to - r.from)) {
      free(stack);
      return 0;
    }
    for (size_t run = r.from, end; run < r.to; run = end) {
      int whole = 1;
      for (end = run; end < r.to && items[end].key == items[run].key; end++) {
        whole &= s->offsets[items[end].index + 1] - s->offsets[items[end].index] >= depth + 8;
      }
      if (end - run < 2) continue;
      if (!whole) {
        // A string ends inside these 8 bytes (its padding equals NUL bytes of another): in full.
        qsort_r(items + run, end - run, sizeof *items, compare, &context);
        continue;
      }
      if (depth_of_stack == capacity) {
        struct range *grown = realloc(stack, 2 * capacity * sizeof *stack);
        if (grown == NULL) {
          free(stack);
          return 0;
        }
        stack = grown;
        capacity *= 2;
      }
      stack[depth_of_stack++] = (struct range){ run, end, depth + 8 };
    }
  }
  free(stack);
  return 1;
}

/* native.h: indices[0 .. count) of strings of `s` put in byte order, in place; 0: out of memory. */
int sort_indices(const struct packed *s, uint32_t *indices, size_t count) {
  struct item *items = malloc((count > 0 ? count : 1) * sizeof *items);
  if (items == NULL) return 0;
  for (size_t i = 0; i < count; i++) items[i].index = indices[i];
  int ok = sort_strings(s, items, count);
  if (ok) for (size_t i = 0; i < count; i++) indices[i] = items[i].index;
  free(items);
  return ok;
}

/*
 * byteOrder(bytes: Uint8Array, offsets: Uint32Array, order: Int32Array): order = the indices of
 * the strings in byte order, equal strings in index order.
 */
napi_value byte_order(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  struct packed s;
  void *out;
  size_t nout;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 || !packed_strings(env, argv[0], argv[1], &s) ||
      !typed_array(env, argv[2], napi_int32_array, &out, &nout) || nout != s.count) {
    napi_throw_type_error(env, NULL, "byteOrder(bytes: Uint8Array, offsets: Uint32Array, order: Int32Array), one order slot per string");
    return NULL;
  }
  struct item *items = malloc((s.count > 0 ? s.count : 1) * sizeof *items);
  if (items != NULL) for (size_t i = 0; i < s.count; i++) items[i].index = (uint32_t)i;
  if (items == NULL || !sort_strings(&s, items, s.count)) {
    free(items);
    napi_throw_error(env, "ENOMEM", "byteOrder: out of memory");
    return NULL;
  }
  int32_t *order = out;
  for (size_t i = 0; i < s.count; i++) order[i] = (int32_t)items[i].index;
  free(items);
  return NULL;
}

/*
 * gather(bytes: Uint8Array, offsets: Uint32Array, order: Int32Array, skip, outBytes: Uint8Array,
 * outOffsets: Uint32Array): string order[k] without its first `skip` bytes becomes string k of
 * the output; outOffsets has one more slot than order, outBytes room for them all.
 */
napi_value gather(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  struct packed s;
  void *order_data, *out_bytes, *out_offsets;
  size_t norder, nbytes, noffsets;
  uint32_t skip;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 6 || !packed_strings(env, argv[0], argv[1], &s) ||
      !typed_array(env, argv[2], napi_int32_array, &order_data, &norder) || napi_get_value_uint32(env, argv[3], &skip) != napi_ok ||
      !typed_array(env, argv[4], napi_uint8_array, &out_bytes, &nbytes) || !typed_array(env, argv[5], napi_uint32_array, &out_offsets, &noffsets) ||
      noffsets != norder + 1) {
    napi_throw_type_error(env, NULL, "gather(bytes: Uint8Array, offsets: Uint32Array, order: Int32Array, skip, outBytes: Uint8Array, outOffsets: Uint32Array)");
    return NULL;
  }
  const int32_t *order = order_data;
  uint32_t *to = out_offsets;
  unsigned char *dest = out_bytes;
  size_t at = 0;
  to[0] = 0;
  for (size_t k = 0; k < norder; k++) {
    int32_t i = order[k];
    if (i < 0 || (size_t)i >= s.count || s.offsets[i + 1] - s.offsets[i] < skip || at + (s.offsets[i + 1] - s.offsets[i] - skip) > nbytes) {
      napi_throw_range_error(env, NULL, "gather: an order index outside the strings, or no room for them");
      return NULL;
    }
    uint32_t from = s.offsets[i] + skip, length = s.offsets[i + 1] - from;
    memcpy(dest + at, s.bytes + from, length);
    at += length;
    to[k + 1] = (uint32_t)at;
  }
  return NULL;
}

/* sharePrefix(bytes: Uint8Array, offsets: Uint32Array, head: Uint8Array): does every string begin with head? */
napi_value share_prefix(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  struct packed s;
  void *head;
  size_t nhead;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 || !packed_strings(env, argv[0], argv[1], &s) ||
      !typed_array(env, argv[2], napi_uint8_array, &head, &nhead)) {
    napi_throw_type_error(env, NULL, "sharePrefix(bytes: Uint8Array, offsets: Uint32Array, head: Uint8Array)");
    return NULL;
  }
  bool all = true;
  for (size_t i = 0; i < s.count && all; i++) all = s.offsets[i + 1] - s.offsets[i] >= nhead && memcmp(s.bytes + s.offsets[i], head, nhead) == 0;
  napi_value result;
  napi_get_boolean(env, all, &result);
  return result;
}

/*
 * matchSorted(ownBytes, ownOffsets, theirBytes, theirOffsets, ids: Int32Array, order?: Int32Array):
 * for each of their strings in byte order (equal ones allowed), the index of the equal one of
 * ours (in byte order, distinct), or -1: one pass over both (src/graph/pathTable.ts
 * idsOfSortedNames). Theirs are in byte order themselves, or taken in `order` (their indices in
 * byte order; ids[k] is then the match of their string order[k]).
 */
napi_value match_sorted(napi_env env, napi_callback_info info) {
  static const char usage[] = "matchSorted(ownBytes, ownOffsets, theirBytes, theirOffsets, ids: Int32Array of their count, order?: Int32Array of their count)";
  size_t argc = 6;
  napi_value argv[6];
  struct packed own, theirs;
  void *out, *by = NULL;
  size_t nout, nby = 0;
  napi_valuetype type = napi_undefined;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 5 || !packed_strings(env, argv[0], argv[1], &own) ||
      !packed_strings(env, argv[2], argv[3], &theirs) || !typed_array(env, argv[4], napi_int32_array, &out, &nout) || nout != theirs.count ||
      (argc > 5 && napi_typeof(env, argv[5], &type) != napi_ok) ||
      (type != napi_undefined && (!typed_array(env, argv[5], napi_int32_array, &by, &nby) || nby != theirs.count))) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  const int32_t *order = by;
  if (order != NULL) {
    for (size_t k = 0; k < nby; k++) {
      if (order[k] < 0 || (size_t)order[k] >= theirs.count) {
        napi_throw_range_error(env, NULL, "matchSorted: an index of order names none of their strings");
        return NULL;
      }
    }
  }
  int32_t *ids = out;
  size_t id = 0;
  for (size_t k = 0; k < theirs.count; k++) {
    ids[k] = -1;
    size_t at = order == NULL ? k : (size_t)order[k];
    const unsigned char *name = theirs.bytes + theirs.offsets[at];
    size_t length = theirs.offsets[at + 1] - theirs.offsets[at];
    /* Past our strings before name k; then ours `id` is name k, or comes after it. */
    for (; id < own.count; id++) {
      size_t from = own.offsets[id], size = own.offsets[id + 1] - from;
      int c = memcmp(own.bytes + from, name, size < length ? size : length);
      if (c == 0) c = (size > length) - (size < length);
      if (c > 0) break;
      if (c == 0) {
        ids[k] = (int32_t)id;
        break;
      }
    }
  }
  return NULL;
}
