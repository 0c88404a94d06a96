/*
 * The rows of `roots --sizes` text written at their places (src/report/rootRowsText.ts), and
 * of its JSON (src/report/rootRowsJson.ts), one window of the output per call: each row's numbers as ByteChunks writes them (number, tenths,
 * the age), then `link -> path (kind)\n`, the bytes copied from their packed columns. At 700k
 * roots the same in JavaScript took 0.8 s, most of it copying 110 MB four bytes at a time.
 * Every number is formatted as the JavaScript does, double for double: Math.round as the
 * language defines it, digits of doubles above 2^53 by fmod and floor. Built without
 * floating-point contraction (binding.gyp), so that value * 10 / unit rounds as in V8.
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "native.h"

#define MIB 1048576.0
/* How many rows ahead their memory is asked for. */
#define AHEAD 16

struct out {
  unsigned char *bytes;
  size_t at, end;
  int overflow;
};

static void put(struct out *o, const unsigned char *from, size_t n) {
  if (o->at + n > o->end) {
    o->overflow = 1;
    return;
  }
  memcpy(o->bytes + o->at, from, n);
  o->at += n;
}

static void spaces(struct out *o, size_t n) {
  if (o->at + n > o->end) {
    o->overflow = 1;
    return;
  }
  memset(o->bytes + o->at, ' ', n);
  o->at += n;
}

/* ByteChunks.digits: a non-negative value right-aligned in `width`, with one decimal (the last digit) if tenths. */
static void digits(struct out *o, double value, int width, int tenths) {
  unsigned char text[400];
  int count = 0;
  if (isnan(value)) {
    // As a Uint8Array stores ZERO + NaN: 0 (ToUint8); one digit.
    count = tenths ? 2 : 1;
    for (int k = 0; k < count; k++) text[sizeof text - 1 - k] = 0;
  } else if (value >= 0 && value < 9007199254740992.0 && value == floor(value)) {
    // An integer below 2^53 (every count and byte sum): its digits in integer arithmetic, which
    // are the double's. fmod and a division per digit took most of a second for 700k rows.
    uint64_t v = (uint64_t)value;
    do {
      text[sizeof text - 1 - count++] = (unsigned char)('0' + v % 10);
      v /= 10;
    } while (v > 0);
    if (tenths && count == 1) text[sizeof text - 1 - count++] = '0';
  } else {
    count = 1;
    for (double v = value; v >= 10; v = floor(v / 10)) count++;
    if (tenths && count == 1) count = 2;
    double v = value;
    for (int k = 0; k < count; k++) {
      double digit = fmod(v, 10);
      text[sizeof text - 1 - k] = (unsigned char)(int)(48 + digit);
      v = floor(v / 10);
    }
  }
  int length = count + (tenths ? 1 : 0);
  if (width > length) spaces(o, (size_t)(width - length));
  if (o->at + (size_t)length > o->end) {
    o->overflow = 1;
    return;
  }
  // Digits, with the dot before the last one for tenths.
  unsigned char *to = o->bytes + o->at;
  const unsigned char *d = text + sizeof text - count;
  if (tenths) {
    memcpy(to, d, (size_t)(count - 1));
    to[count - 1] = '.';
    to[count] = d[count - 1];
  } else {
    memcpy(to, d, (size_t)count);
  }
  o->at += (size_t)length;
}

/* Math.round for a value that is not negative (the language's rule: halves go up). */
static double js_round(double x) {
  double r = floor(x);
  return x - r >= 0.5 ? r + 1 : r;
}

static void tenths(struct out *o, double value, int width) {
  digits(o, js_round((value * 10) / MIB), width, 1);
}

/* The age column of rootRowsText.ts: `12d`, `5h`, `30m` in 5 columns, `    -` for none (NaN). */
static void age(struct out *o, double seconds) {
  if (isnan(seconds)) {
    spaces(o, 4);
    put(o, (const unsigned char *)"-", 1);
    return;
  }
  double value;
  unsigned char unit;
  if (seconds >= 86400) {
    value = floor(seconds / 86400);
    unit = 'd';
  } else if (seconds >= 3600) {
    value = floor(seconds / 3600);
    unit = 'h';
  } else {
    value = floor(seconds / 60);
    unit = 'm';
  }
  digits(o, value, 4, 0);
  put(o, &unit, 1);
}

static int get(napi_env env, napi_value object, const char *name, napi_typedarray_type type, void **data, size_t *length) {
  napi_value value;
  return napi_get_named_property(env, object, name, &value) == napi_ok && typed_array(env, value, type, data, length);
}

/*
 * rootRows(out: Uint8Array, at: number, from: number, to: number, rows: Int32Array, c: {...}):
 * writes each row i of `rows` (all placed in [from, to)) at out[at + place[i] - from], the
 * window's to - from bytes starting at `at`. `c`: place, exclusive, closure, ages (Float64Array),
 * linkBytes/linkOffsets, pathBytes/pathOffsets, head (Uint8Array), pathAt (Int32Array, -1: the
 * row's path is otherPath), otherBytes/otherOffsets with otherAt (Int32Array per row),
 * kind (Uint8Array per row) and endBytes/endOffsets (each kind's ` (kind)\n`). Throws a
 * RangeError, having written garbage within the window, if a row does not fit its place.
 */
napi_value root_rows(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  void *out_data, *rows_data;
  size_t out_length, nrows;
  double at_d, from_d, to_d;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 6 || !typed_array(env, argv[0], napi_uint8_array, &out_data, &out_length) ||
      napi_get_value_double(env, argv[1], &at_d) != napi_ok || napi_get_value_double(env, argv[2], &from_d) != napi_ok ||
      napi_get_value_double(env, argv[3], &to_d) != napi_ok || !typed_array(env, argv[4], napi_int32_array, &rows_data, &nrows)) {
    napi_throw_type_error(env, NULL, "rootRows(out: Uint8Array, at, from, to, rows: Int32Array, columns)");
    return NULL;
  }
  void *place, *ex, *cl, *ages, *lb, *lo, *pb, *po, *head, *path_at, *ob, *oo, *other_at, *kind, *eb, *eo;
  size_t nplace, nex, ncl, nages, nlb, nlo, npb, npo, nhead, npath_at, nob, noo, nother_at, nkind, neb, neo;
  napi_value c = argv[5];
  if (!get(env, c, "place", napi_float64_array, &place, &nplace) || !get(env, c, "exclusive", napi_float64_array, &ex, &nex) ||
      !get(env, c, "closure", napi_float64_array, &cl, &ncl) || !get(env, c, "ages", napi_float64_array, &ages, &nages) ||
      !get(env, c, "linkBytes", napi_uint8_array, &lb, &nlb) || !get(env, c, "linkOffsets", napi_uint32_array, &lo, &nlo) ||
      !get(env, c, "pathBytes", napi_uint8_array, &pb, &npb) || !get(env, c, "pathOffsets", napi_uint32_array, &po, &npo) ||
      !get(env, c, "head", napi_uint8_array, &head, &nhead) || !get(env, c, "pathAt", napi_int32_array, &path_at, &npath_at) ||
      !get(env, c, "otherBytes", napi_uint8_array, &ob, &nob) || !get(env, c, "otherOffsets", napi_uint32_array, &oo, &noo) ||
      !get(env, c, "otherAt", napi_int32_array, &other_at, &nother_at) || !get(env, c, "kind", napi_uint8_array, &kind, &nkind) ||
      !get(env, c, "endBytes", napi_uint8_array, &eb, &neb) || !get(env, c, "endOffsets", napi_uint32_array, &eo, &neo)) {
    napi_throw_type_error(env, NULL, "rootRows: columns missing or of the wrong kind");
    return NULL;
  }
  size_t n = nplace;
  if (at_d < 0 || to_d < from_d || at_d + (to_d - from_d) > (double)out_length || nex < 3 * n || ncl < 3 * n || nages < n || nlo < n + 1 ||
      npath_at < n || nother_at < n || nkind < n || nlo == 0 || npo == 0 || noo == 0 || neo == 0) {
    napi_throw_range_error(env, NULL, "rootRows: a window outside the output, or columns shorter than the rows");
    return NULL;
  }
  const double *P = place, *E = ex, *C = cl, *A = ages;
  const uint32_t *LO = lo, *PO = po, *OO = oo, *EO = eo;
  const int32_t *R = rows_data, *PA = path_at, *OA = other_at;
  const unsigned char *K = kind, *LB = lb, *PB = pb, *OB = ob, *EB = eb, *H = head;
  size_t at = (size_t)at_d;
  for (size_t k = 0; k < nrows; k++) {
    /*
     * Rows come in the listing's order, each reading a dozen places scattered over 200 MB of
     * columns: the memory of the rows ahead is asked for first (its columns, then what their
     * offsets point at), so that a row rarely waits for a cache miss (700k rows: `roots --sizes`
     * 2.77 -> 2.63 s, `--json` to /dev/null 3.54 -> 3.35 s, alternated).
     */
    if (k + AHEAD < nrows) {
      int32_t j = R[k + AHEAD];
      if (j >= 0 && (size_t)j < n) {
        __builtin_prefetch(P + j);
        __builtin_prefetch(E + 3 * (size_t)j);
        __builtin_prefetch(C + 3 * (size_t)j);
        __builtin_prefetch(A + j);
        __builtin_prefetch(LO + j);
        __builtin_prefetch(PA + j);
        __builtin_prefetch(K + j);
      }
    }
    if (k + AHEAD / 2 < nrows) {
      int32_t j = R[k + AHEAD / 2];
      if (j >= 0 && (size_t)j < n) {
        if (LO[j] < nlb) __builtin_prefetch(LB + LO[j]);
        int32_t q = PA[j];
        if (q >= 0 && (size_t)q + 1 < npo) __builtin_prefetch(PO + q);
      }
    }
    if (k + AHEAD / 4 < nrows) {
      int32_t j = R[k + AHEAD / 4];
      if (j >= 0 && (size_t)j < n) {
        int32_t q = PA[j];
        if (q >= 0 && (size_t)q + 1 < npo && PO[q] < npb) __builtin_prefetch(PB + PO[q]);
      }
    }
    int32_t i = R[k];
    if (i < 0 || (size_t)i >= n || !(P[i] >= from_d && P[i] < to_d)) {
      napi_throw_range_error(env, NULL, "rootRows: a row outside the columns or the window");
      return NULL;
    }
    // The row may run to the window's end; the next row's place is not known here.
    struct out o = { out_data, at + (size_t)(P[i] - from_d), at + (size_t)(to_d - from_d), 0 };
    digits(&o, E[3 * i], 10, 0);
    spaces(&o, 1);
    tenths(&o, E[3 * i + 2], 10);
    spaces(&o, 1);
    tenths(&o, E[3 * i + 1], 10);
    spaces(&o, 2);
    digits(&o, C[3 * i], 7, 0);
    spaces(&o, 1);
    tenths(&o, C[3 * i + 2], 10);
    spaces(&o, 1);
    tenths(&o, C[3 * i + 1], 10);
    spaces(&o, 2);
    age(&o, A[i]);
    spaces(&o, 2);
    if (LO[i + 1] < LO[i] || LO[i + 1] > nlb) o.overflow = 1;
    else put(&o, LB + LO[i], LO[i + 1] - LO[i]);
    put(&o, (const unsigned char *)" -> ", 4);
    int32_t p = PA[i];
    if (p >= 0) {
      if ((size_t)p + 1 >= npo || PO[p + 1] < PO[p] || PO[p + 1] > npb) o.overflow = 1;
      else {
        put(&o, H, nhead);
        put(&o, PB + PO[p], PO[p + 1] - PO[p]);
      }
    } else {
      int32_t q = OA[i];
      if (q < 0 || (size_t)q + 1 >= noo || OO[q + 1] < OO[q] || OO[q + 1] > nob) o.overflow = 1;
      else put(&o, OB + OO[q], OO[q + 1] - OO[q]);
    }
    unsigned char code = K[i];
    if ((size_t)code + 1 >= neo || EO[code + 1] < EO[code] || EO[code + 1] > neb) o.overflow = 1;
    else put(&o, EB + EO[code], EO[code + 1] - EO[code]);
    if (o.overflow) {
      napi_throw_range_error(env, NULL, "rootRows: a row does not fit its place");
      return NULL;
    }
  }
  return NULL;
}

/* A packed string k (bytes, offsets: count + 1 of them), copied; overflow where k is not one. */
static void put_packed(struct out *o, const unsigned char *bytes, size_t nbytes, const uint32_t *offsets, size_t noffsets, int64_t k) {
  if (k < 0 || (size_t)k + 1 >= noffsets || offsets[k + 1] < offsets[k] || offsets[k + 1] > nbytes) {
    o->overflow = 1;
    return;
  }
  put(o, bytes + offsets[k], offsets[k + 1] - offsets[k]);
}

/* Number.isSafeInteger(value) && value >= 0: written as its digits (writeNumber, rootRowsJson.ts). */
static int plain_number(double value) {
  return isfinite(value) && floor(value) == value && value >= 0 && value <= 9007199254740991.0;
}

/*
 * rootRowsJson(out, at, from, to, rows, c): as rootRows, the rows of rootRowsJson.ts. `c`: place,
 * plain (per row: 1 its link, 2 its path are their own JSON), first (the row without the
 * separator before it), keys (the twelve KEYS of insightJson.ts, packed in their order),
 * separator, linkBytes/linkOffsets, pathBytes/pathOffsets, head, pathAt, quotedBytes/
 * quotedOffsets with linkQuoted and pathQuoted (per row, for strings not their own JSON), kind
 * with kindBytes/kindOffsets (each kind's JSON), group with groupBytes/groupOffsets, closure,
 * exclusive, ages, and specialKeys (ascending: row * 7 + field, fields closure paths, narSize,
 * disk bytes, exclusive the same, age) with specialBytes/specialOffsets: the JSON of every
 * number that is not a safe non-negative integer (JSON.stringify's, `null` for no age).
 */
napi_value root_rows_json(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  void *out_data, *rows_data;
  size_t out_length, nrows;
  double at_d, from_d, to_d, first_d;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 6 || !typed_array(env, argv[0], napi_uint8_array, &out_data, &out_length) ||
      napi_get_value_double(env, argv[1], &at_d) != napi_ok || napi_get_value_double(env, argv[2], &from_d) != napi_ok ||
      napi_get_value_double(env, argv[3], &to_d) != napi_ok || !typed_array(env, argv[4], napi_int32_array, &rows_data, &nrows)) {
    napi_throw_type_error(env, NULL, "rootRowsJson(out: Uint8Array, at, from, to, rows: Int32Array, columns)");
    return NULL;
  }
  napi_value c = argv[5], first_value;
  void *place, *plain, *kb, *ko, *sep, *lb, *lo, *pb, *po, *head, *path_at, *qb, *qo, *lq, *pq, *kind, *kjb, *kjo, *group, *gb, *go, *cl, *ex, *ages, *sk, *sb, *so;
  size_t nplace, nplain, nkb, nko, nsep, nlb, nlo, npb, npo, nhead, npath_at, nqb, nqo, nlq, npq, nkind, nkjb, nkjo, ngroup, ngb, ngo, ncl, nex, nages, nsk, nsb, nso;
  if (napi_get_named_property(env, c, "first", &first_value) != napi_ok || napi_get_value_double(env, first_value, &first_d) != napi_ok ||
      !get(env, c, "place", napi_float64_array, &place, &nplace) || !get(env, c, "plain", napi_uint8_array, &plain, &nplain) ||
      !get(env, c, "keyBytes", napi_uint8_array, &kb, &nkb) || !get(env, c, "keyOffsets", napi_uint32_array, &ko, &nko) ||
      !get(env, c, "separator", napi_uint8_array, &sep, &nsep) ||
      !get(env, c, "linkBytes", napi_uint8_array, &lb, &nlb) || !get(env, c, "linkOffsets", napi_uint32_array, &lo, &nlo) ||
      !get(env, c, "pathBytes", napi_uint8_array, &pb, &npb) || !get(env, c, "pathOffsets", napi_uint32_array, &po, &npo) ||
      !get(env, c, "head", napi_uint8_array, &head, &nhead) || !get(env, c, "pathAt", napi_int32_array, &path_at, &npath_at) ||
      !get(env, c, "quotedBytes", napi_uint8_array, &qb, &nqb) || !get(env, c, "quotedOffsets", napi_uint32_array, &qo, &nqo) ||
      !get(env, c, "linkQuoted", napi_int32_array, &lq, &nlq) || !get(env, c, "pathQuoted", napi_int32_array, &pq, &npq) ||
      !get(env, c, "kind", napi_uint8_array, &kind, &nkind) || !get(env, c, "kindBytes", napi_uint8_array, &kjb, &nkjb) ||
      !get(env, c, "kindOffsets", napi_uint32_array, &kjo, &nkjo) || !get(env, c, "group", napi_int32_array, &group, &ngroup) ||
      !get(env, c, "groupBytes", napi_uint8_array, &gb, &ngb) || !get(env, c, "groupOffsets", napi_uint32_array, &go, &ngo) ||
      !get(env, c, "closure", napi_float64_array, &cl, &ncl) || !get(env, c, "exclusive", napi_float64_array, &ex, &nex) ||
      !get(env, c, "ages", napi_float64_array, &ages, &nages) || !get(env, c, "specialKeys", napi_float64_array, &sk, &nsk) ||
      !get(env, c, "specialBytes", napi_uint8_array, &sb, &nsb) || !get(env, c, "specialOffsets", napi_uint32_array, &so, &nso)) {
    napi_throw_type_error(env, NULL, "rootRowsJson: columns missing or of the wrong kind");
    return NULL;
  }
  size_t n = nplace;
  if (at_d < 0 || to_d < from_d || at_d + (to_d - from_d) > (double)out_length || nplain < n || nko != 13 || nlo < n + 1 || npath_at < n ||
      nlq < n || npq < n || nkind < n || ngroup < n || ncl < 3 * n || nex < 3 * n || nages < n || nso != nsk + 1) {
    napi_throw_range_error(env, NULL, "rootRowsJson: a window outside the output, or columns shorter than the rows");
    return NULL;
  }
  const double *P = place, *CL = cl, *EX = ex, *A = ages, *SK = sk;
  const uint32_t *KO = ko, *LO = lo, *PO = po;
  const int32_t *R = rows_data, *PA = path_at, *LQ = lq, *PQ = pq, *G = group;
  const unsigned char *PL = plain, *KB = kb, *LB = lb, *PB = pb, *H = head, *K = kind;
  size_t at = (size_t)at_d;
  size_t special = 0;
  for (size_t k = 0; k < nrows; k++) {
    // The rows ahead's memory first, as in root_rows.
    if (k + AHEAD < nrows) {
      int32_t j = R[k + AHEAD];
      if (j >= 0 && (size_t)j < n) {
        __builtin_prefetch(P + j);
        __builtin_prefetch(PL + j);
        __builtin_prefetch(CL + 3 * (size_t)j);
        __builtin_prefetch(EX + 3 * (size_t)j);
        __builtin_prefetch(A + j);
        __builtin_prefetch(LO + j);
        __builtin_prefetch(PA + j);
        __builtin_prefetch(K + j);
        __builtin_prefetch(G + j);
      }
    }
    if (k + AHEAD / 2 < nrows) {
      int32_t j = R[k + AHEAD / 2];
      if (j >= 0 && (size_t)j < n) {
        if (LO[j] < nlb) __builtin_prefetch(LB + LO[j]);
        int32_t q = PA[j];
        if (q >= 0 && (size_t)q + 1 < npo) __builtin_prefetch(PO + q);
      }
    }
    if (k + AHEAD / 4 < nrows) {
      int32_t j = R[k + AHEAD / 4];
      if (j >= 0 && (size_t)j < n) {
        int32_t q = PA[j];
        if (q >= 0 && (size_t)q + 1 < npo && PO[q] < npb) __builtin_prefetch(PB + PO[q]);
      }
    }
    int32_t i = R[k];
    if (i < 0 || (size_t)i >= n || !(P[i] >= from_d && P[i] < to_d)) {
      napi_throw_range_error(env, NULL, "rootRowsJson: a row outside the columns or the window");
      return NULL;
    }
    struct out o = { out_data, at + (size_t)(P[i] - from_d), at + (size_t)(to_d - from_d), 0 };
    if ((double)i != first_d) put(&o, sep, nsep);
    put_packed(&o, KB, nkb, KO, nko, 0);
    if (PL[i] & 1) {
      if (LO[i + 1] < LO[i] || LO[i + 1] > nlb) o.overflow = 1;
      else {
        put(&o, (const unsigned char *)"\"", 1);
        put(&o, LB + LO[i], LO[i + 1] - LO[i]);
        put(&o, (const unsigned char *)"\"", 1);
      }
    } else put_packed(&o, qb, nqb, qo, nqo, LQ[i]);
    put_packed(&o, KB, nkb, KO, nko, 1);
    int32_t p = PA[i];
    if (PL[i] & 2) {
      if (p < 0 || (size_t)p + 1 >= npo || PO[p + 1] < PO[p] || PO[p + 1] > npb) o.overflow = 1;
      else {
        put(&o, (const unsigned char *)"\"", 1);
        put(&o, H, nhead);
        put(&o, PB + PO[p], PO[p + 1] - PO[p]);
        put(&o, (const unsigned char *)"\"", 1);
      }
    } else put_packed(&o, qb, nqb, qo, nqo, PQ[i]);
    put_packed(&o, KB, nkb, KO, nko, 2);
    put_packed(&o, kjb, nkjb, kjo, nkjo, K[i]);
    put_packed(&o, KB, nkb, KO, nko, 3);
    put_packed(&o, gb, ngb, go, ngo, G[i]);
    // Closure paths, narSize, disk bytes, then the exclusive ones, then the age.
    for (int f = 0; f < 7; f++) {
      double value = f < 3 ? CL[3 * i + f] : f < 6 ? EX[3 * i + f - 3] : A[i];
      put_packed(&o, KB, nkb, KO, nko, 4 + f);
      if (plain_number(value)) {
        digits(&o, value, 0, 0);
        continue;
      }
      // Its JSON from the table (keys ascending, rows of a window in storage order: a search).
      double key = (double)i * 7 + f;
      size_t lo_k = 0, hi_k = nsk;
      if (special < nsk && SK[special] == key) lo_k = special;
      else {
        while (lo_k < hi_k) {
          size_t mid = lo_k + (hi_k - lo_k) / 2;
          if (SK[mid] < key) lo_k = mid + 1;
          else hi_k = mid;
        }
      }
      if (lo_k >= nsk || SK[lo_k] != key) o.overflow = 1;
      else {
        put_packed(&o, sb, nsb, so, nso, (int64_t)lo_k);
        special = lo_k + 1;
      }
    }
    put_packed(&o, KB, nkb, KO, nko, 11);
    if (o.overflow) {
      napi_throw_range_error(env, NULL, "rootRowsJson: a row does not fit its place");
      return NULL;
    }
  }
  return NULL;
}
