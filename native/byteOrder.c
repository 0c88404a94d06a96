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

/*
 * byteOrder(bytes: Uint8Array, offsets: Uint32Array, order: Int32Array): order = the indices of
 * the strings in byte order, equal strings in index order. The bytes all strings share (a store
 * directory, a roots directory) are found first and not compared again.
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
  uint32_t skip = s.count == 0 ? 0 : s.offsets[1] - s.offsets[0];
  for (size_t i = 1; i < s.count && skip > 0; i++) {
    uint32_t length = s.offsets[i + 1] - s.offsets[i], k = 0;
    if (length < skip) skip = length;
    while (k < skip && s.bytes[s.offsets[i] + k] == s.bytes[s.offsets[0] + k]) k++;
    skip = k;
  }
  struct item *items = malloc((s.count > 0 ? s.count : 1) * sizeof *items);
  if (items == NULL) {
    napi_throw_error(env, "ENOMEM", "byteOrder: out of memory");
    return NULL;
  }
  for (size_t i = 0; i < s.count; i++) {
    uint32_t from = s.offsets[i] + skip, length = s.offsets[i + 1] - from;
    uint64_t key = 0;
    for (uint32_t k = 0; k < 8; k++) key = (key << 8) | (k < length ? s.bytes[from + k] : 0);
    items[i].key = key;
    items[i].index = (uint32_t)i;
  }
  struct strings context = { s.bytes, s.offsets, skip };
  if (s.count < 4096 || !radix_sort(items, s.count)) {
    qsort_r(items, s.count, sizeof *items, compare, &context);
  } else {
    // Equal keys: the strings go on past the first 8 bytes (or are equal), compared in full.
    for (size_t run = 0, end; run < s.count; run = end) {
      for (end = run + 1; end < s.count && items[end].key == items[run].key;) end++;
      if (end - run > 1) qsort_r(items + run, end - run, sizeof *items, compare, &context);
    }
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
