/*
 * Work on a thread of its own while JavaScript goes on, joined when its result is needed
 * (src/store/threadJobs.ts): the CRC-32 of sections of a mapped file, and a file written whole
 * (its check fields filled with CRC-32s of its parts first), renamed into place and its
 * temporary removed on failure. A plain thread, not a worker: it starts in microseconds, where
 * a worker thread takes 30-60 ms of a second core to boot a JavaScript engine.
 *
 * The buffers a job reads are held by references until it is joined (or collected, which
 * joins it first), so they outlive the thread; JavaScript does not write them meanwhile (they
 * are a mapped file's views, or a graph and rows nothing changes once made).
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "native.h"

struct piece {
  const unsigned char *data;
  size_t length;
};

struct job {
  pthread_t thread;
  int started;
  int joined;
  napi_env env;
  napi_ref *refs;
  size_t nrefs;
  struct piece *pieces;
  size_t npieces;
  /* crc jobs: one CRC per piece, continued from seeds[i]. */
  uint32_t *crcs;
  /* write jobs: checks[3k] is a field piece whose first 4 bytes get the CRC of pieces [checks[3k+1], checks[3k+2]). */
  int32_t *checks;
  size_t nchecks;
  /* write jobs: 1 where a piece's pages of a mapped file (mapFile.c) are given back once it is written; NULL for none. */
  unsigned char *drops;
  int fd;
  char *temp;
  char *final;
  /* crc jobs over a file: the ranges of fd read (pread, through a buffer of the thread's own) instead of pieces. */
  double *offsets;
  double *lengths;
  size_t nranges;
  int error;
  const char *syscall;
  /* Told on the main thread once the thread is done (its loop turning), if given; unreferenced. */
  napi_threadsafe_function done;
};

static uint32_t crc_of(uint32_t crc, const unsigned char *data, size_t length) {
  return crc32_of(crc, data, length);
}

static void tell_done(struct job *j) {
  if (j->done != NULL) napi_call_threadsafe_function(j->done, NULL, napi_tsfn_nonblocking);
}

static void *run_crc(void *arg) {
  struct job *j = arg;
  for (size_t i = 0; i < j->npieces; i++) j->crcs[i] = crc_of(j->crcs[i], j->pieces[i].data, j->pieces[i].length);
  tell_done(j);
  return NULL;
}

/* The CRC-32 of each range of the file, read through one buffer: the file's pages stay the page cache's, not this process's. */
static void *run_crc_file(void *arg) {
  struct job *j = arg;
  size_t size = 4u << 20;
  unsigned char *buffer = malloc(size);
  if (buffer == NULL) {
    j->error = ENOMEM;
    j->syscall = "malloc";
  }
  for (size_t r = 0; r < j->nranges && j->error == 0; r++) {
    uint32_t crc = j->crcs[r];
    off_t at = (off_t)j->offsets[r];
    size_t left = (size_t)j->lengths[r];
    while (left > 0) {
      ssize_t n = pread(j->fd, buffer, left < size ? left : size, at);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        j->error = n < 0 ? errno : EIO;
        j->syscall = "pread";
        break;
      }
      crc = crc_of(crc, buffer, (size_t)n);
      at += n;
      left -= (size_t)n;
    }
    j->crcs[r] = crc;
  }
  free(buffer);
  close(j->fd);
  j->fd = -1;
  tell_done(j);
  return NULL;
}

/* Writes one piece whole to the job's fd; 0 (error and syscall set) if it cannot. */
static int write_piece(struct job *j, const struct piece *p) {
  const unsigned char *at = p->data;
  size_t left = p->length;
  while (left > 0) {
    ssize_t n = write(j->fd, at, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      j->error = n < 0 ? errno : EIO;
      j->syscall = "write";
      return 0;
    }
    at += n;
    left -= (size_t)n;
  }
  return 1;
}

static void fill_field(struct job *j, size_t k, uint32_t crc) {
  unsigned char *field = (unsigned char *)j->pieces[j->checks[3 * k]].data;
  for (int b = 0; b < 4; b++) field[b] = (unsigned char)(crc >> (8 * b));
}

/*
 * Each piece is read once where every check field follows the pieces it covers (the graph
 * cache's do): its CRCs continued, then it is written, then its mapped pages are given back if
 * asked, so a file written from a mapped one is never resident whole. Otherwise the CRCs first.
 */
static void *run_write(void *arg) {
  struct job *j = arg;
  int streaming = 1;
  for (size_t k = 0; k < j->nchecks; k++) if (j->checks[3 * k + 2] > j->checks[3 * k]) streaming = 0;
  uint32_t *running = calloc(j->nchecks + 1, sizeof *running);
  if (running == NULL) {
    j->error = ENOMEM;
    j->syscall = "calloc";
  }
  if (!streaming) {
    for (size_t k = 0; k < j->nchecks && running != NULL; k++) {
      uint32_t crc = 0;
      for (int32_t i = j->checks[3 * k + 1]; i < j->checks[3 * k + 2]; i++) crc = crc_of(crc, j->pieces[i].data, j->pieces[i].length);
      fill_field(j, k, crc);
    }
  }
  for (size_t i = 0; i < j->npieces && j->error == 0; i++) {
    if (streaming) {
      /* A field's pieces are all before it: its CRC is whole. Then the piece (filled) continues the CRCs covering it. */
      for (size_t k = 0; k < j->nchecks; k++) if ((size_t)j->checks[3 * k] == i) fill_field(j, k, running[k]);
      for (size_t k = 0; k < j->nchecks; k++) {
        if ((size_t)j->checks[3 * k + 1] <= i && i < (size_t)j->checks[3 * k + 2]) running[k] = crc_of(running[k], j->pieces[i].data, j->pieces[i].length);
      }
    }
    if (!write_piece(j, &j->pieces[i])) break;
    if (j->drops != NULL && j->drops[i]) drop_mapped(j->pieces[i].data, j->pieces[i].length);
  }
  free(running);
  if (close(j->fd) != 0 && j->error == 0 && errno != EINTR) {
    j->error = errno;
    j->syscall = "close";
  }
  j->fd = -1;
  if (j->error == 0 && rename(j->temp, j->final) != 0) {
    j->error = errno;
    j->syscall = "rename";
  }
  if (j->error != 0) unlink(j->temp);
  tell_done(j);
  return NULL;
}

static void release(struct job *j) {
  if (j->started && !j->joined) pthread_join(j->thread, NULL);
  j->joined = 1;
  for (size_t i = 0; i < j->nrefs; i++) if (j->refs[i] != NULL) napi_delete_reference(j->env, j->refs[i]);
  j->nrefs = 0;
  if (j->done != NULL) {
    /* Calls already queued are still made (the callback finds the job joined). */
    napi_release_threadsafe_function(j->done, napi_tsfn_release);
    j->done = NULL;
  }
}

static void finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  struct job *j = data;
  release(j);
  free(j->refs);
  free(j->pieces);
  free(j->crcs);
  free(j->checks);
  free(j->drops);
  free(j->offsets);
  free(j->lengths);
  free(j->temp);
  free(j->final);
  free(j);
}

/* The pieces of an array of Uint8Arrays, each held by a reference; 0 if it is not one. */
static int take_pieces(napi_env env, napi_value array, struct job *j) {
  bool is;
  uint32_t n;
  if (napi_is_array(env, array, &is) != napi_ok || !is || napi_get_array_length(env, array, &n) != napi_ok) return 0;
  j->pieces = calloc(n + 1, sizeof *j->pieces);
  j->refs = calloc(n + 1, sizeof *j->refs);
  if (j->pieces == NULL || j->refs == NULL) return 0;
  for (uint32_t i = 0; i < n; i++) {
    napi_value item;
    void *data;
    size_t length;
    if (napi_get_element(env, array, i, &item) != napi_ok || !typed_array(env, item, napi_uint8_array, &data, &length)) return 0;
    if (napi_create_reference(env, item, 1, &j->refs[i]) != napi_ok) return 0;
    j->nrefs = i + 1;
    j->pieces[i].data = data;
    j->pieces[i].length = length;
  }
  j->npieces = n;
  return 1;
}

static char *path_of(napi_env env, napi_value value) {
  void *data;
  size_t length;
  if (!typed_array(env, value, napi_uint8_array, &data, &length) || memchr(data, 0, length) != NULL) return NULL;
  char *path = malloc(length + 1);
  if (path == NULL) return NULL;
  memcpy(path, data, length);
  path[length] = 0;
  return path;
}

static struct job *new_job(napi_env env) {
  struct job *j = calloc(1, sizeof *j);
  if (j != NULL) {
    j->env = env;
    j->fd = -1;
  }
  return j;
}

/* Runs the JavaScript callback of a job's `done` on the main thread. */
static void call_done(napi_env env, napi_value callback, void *context, void *data) {
  (void)context;
  (void)data;
  if (env == NULL || callback == NULL) return;
  napi_value undefined;
  if (napi_get_undefined(env, &undefined) == napi_ok) napi_call_function(env, undefined, callback, 0, NULL, NULL);
}

/* `done` (a function, or undefined for none) as the job's threadsafe function, not keeping the loop alive; 0 if it is neither. */
static int told(napi_env env, napi_value value, struct job *j) {
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok) return 0;
  if (type == napi_undefined) return 1;
  if (type != napi_function) return 0;
  napi_value name;
  if (napi_create_string_utf8(env, "storegc thread job", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_threadsafe_function(env, value, NULL, name, 0, 1, NULL, NULL, NULL, call_done, &j->done) != napi_ok) return 0;
  napi_unref_threadsafe_function(env, j->done);
  return 1;
}

/* The job as an external, its thread started; NULL (a TypeError thrown) when it cannot be. */
static napi_value start(napi_env env, struct job *j, void *(*run)(void *), const char *usage) {
  napi_value external;
  if (napi_create_external(env, j, finalize, NULL, &external) != napi_ok) {
    finalize(env, j, NULL);
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  int code = pthread_create(&j->thread, NULL, run, j);
  if (code != 0) {
    /* No thread: the caller does the work itself (a write job's fd is still the caller's). */
    release(j);
    napi_throw_error(env, errno_name(code), "pthread_create");
    return NULL;
  }
  j->started = 1;
  return external;
}

/* crcOnThread(pieces: Uint8Array[], seeds: Uint32Array): a job whose join gives each piece's CRC-32, continued from its seed. */
napi_value crc_on_thread(napi_env env, napi_callback_info info) {
  static const char usage[] = "crcOnThread(pieces: Uint8Array[], seeds: Uint32Array)";
  size_t argc = 2;
  napi_value argv[2];
  void *seeds;
  size_t nseeds;
  struct job *j = new_job(env);
  if (j == NULL || napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 || !take_pieces(env, argv[0], j) ||
      !typed_array(env, argv[1], napi_uint32_array, &seeds, &nseeds) || nseeds != j->npieces || (j->crcs = malloc((nseeds + 1) * sizeof *j->crcs)) == NULL) {
    if (j != NULL) finalize(env, j, NULL);
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  memcpy(j->crcs, seeds, nseeds * sizeof *j->crcs);
  return start(env, j, run_crc, usage);
}

/*
 * crcFileOnThread(fd, offsets: Float64Array, lengths: Float64Array, seeds: Uint32Array): a job
 * whose join gives the CRC-32 of each range of the file, continued from its seed (throws with
 * the errno's name if a read fails or comes short). The fd is the thread's once it started.
 */
napi_value crc_file_on_thread(napi_env env, napi_callback_info info) {
  static const char usage[] = "crcFileOnThread(fd, offsets: Float64Array, lengths: Float64Array, seeds: Uint32Array)";
  size_t argc = 4;
  napi_value argv[4];
  int32_t fd;
  void *offsets, *lengths, *seeds;
  size_t noffsets, nlengths, nseeds;
  struct job *j = new_job(env);
  int ok = j != NULL && napi_get_cb_info(env, info, &argc, argv, NULL, NULL) == napi_ok && argc >= 4 && napi_get_value_int32(env, argv[0], &fd) == napi_ok && fd >= 0 &&
           typed_array(env, argv[1], napi_float64_array, &offsets, &noffsets) && typed_array(env, argv[2], napi_float64_array, &lengths, &nlengths) &&
           typed_array(env, argv[3], napi_uint32_array, &seeds, &nseeds) && noffsets == nlengths && nlengths == nseeds;
  for (size_t r = 0; ok && r < noffsets; r++) {
    double o = ((double *)offsets)[r], l = ((double *)lengths)[r];
    ok = o >= 0 && l >= 0 && o == (double)(int64_t)o && l == (double)(int64_t)l && o + l <= 9007199254740992.0;
  }
  ok = ok && (j->crcs = malloc((nseeds + 1) * sizeof *j->crcs)) != NULL && (j->offsets = malloc((noffsets + 1) * sizeof(double))) != NULL &&
       (j->lengths = malloc((nlengths + 1) * sizeof(double))) != NULL;
  if (!ok) {
    if (j != NULL) finalize(env, j, NULL);
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  memcpy(j->crcs, seeds, nseeds * sizeof *j->crcs);
  memcpy(j->offsets, offsets, noffsets * sizeof(double));
  memcpy(j->lengths, lengths, nlengths * sizeof(double));
  j->nranges = noffsets;
  j->npieces = nseeds;
  j->fd = fd;
  return start(env, j, run_crc_file, usage);
}

/*
 * writeOnThread(fd, pieces: Uint8Array[], checks: Int32Array, temp: Uint8Array, final: Uint8Array, done?, drops?: Uint8Array):
 * a job that fills the check fields (checks: triples field, from, to), writes the pieces to fd,
 * closes it and renames temp to final (removing temp if anything failed); where drops[i] is 1,
 * the pages of piece i that are a mapped file's (mapFile.c) are given back once it is written.
 * The fd is the thread's once it started (the call returned a job), else still the caller's.
 */
napi_value write_on_thread(napi_env env, napi_callback_info info) {
  static const char usage[] = "writeOnThread(fd, pieces: Uint8Array[], checks: Int32Array, temp: Uint8Array, final: Uint8Array, done?: () => void, drops?: Uint8Array)";
  size_t argc = 7;
  napi_value argv[7];
  int32_t fd;
  void *checks;
  size_t nchecks;
  struct job *j = new_job(env);
  int ok = j != NULL && napi_get_cb_info(env, info, &argc, argv, NULL, NULL) == napi_ok && argc >= 5 && napi_get_value_int32(env, argv[0], &fd) == napi_ok;
  if (ok) j->fd = fd;
  ok = ok && take_pieces(env, argv[1], j) && typed_array(env, argv[2], napi_int32_array, &checks, &nchecks) && nchecks % 3 == 0 &&
       (j->temp = path_of(env, argv[3])) != NULL && (j->final = path_of(env, argv[4])) != NULL;
  if (ok) {
    const int32_t *c = checks;
    for (size_t k = 0; k < nchecks / 3 && ok; k++) {
      ok = c[3 * k] >= 0 && (size_t)c[3 * k] < j->npieces && j->pieces[c[3 * k]].length >= 4 && c[3 * k + 1] >= 0 && c[3 * k + 1] <= c[3 * k + 2] &&
           (size_t)c[3 * k + 2] <= j->npieces && (c[3 * k] < c[3 * k + 1] || c[3 * k] >= c[3 * k + 2]);
    }
    ok = ok && (j->checks = malloc((nchecks + 1) * sizeof *j->checks)) != NULL;
    if (ok) {
      memcpy(j->checks, checks, nchecks * sizeof *j->checks);
      j->nchecks = nchecks / 3;
    }
  }
  if (ok && argc >= 6) ok = told(env, argv[5], j);
  if (ok && argc >= 7) {
    napi_valuetype type;
    ok = napi_typeof(env, argv[6], &type) == napi_ok;
    if (ok && type != napi_undefined) {
      void *drops;
      size_t ndrops;
      ok = typed_array(env, argv[6], napi_uint8_array, &drops, &ndrops) && ndrops == j->npieces && (j->drops = malloc(ndrops + 1)) != NULL;
      if (ok) memcpy(j->drops, drops, ndrops);
    }
  }
  if (!ok) {
    if (j != NULL) finalize(env, j, NULL);
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  return start(env, j, run_write, usage);
}

/*
 * joinJob(job): waits for its thread; a CRC job gives its CRCs (Uint32Array), a write job
 * undefined, or throws an error whose code is the errno's name. Once only.
 */
napi_value join_job(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  struct job *j;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || napi_get_value_external(env, argv[0], (void **)&j) != napi_ok || j == NULL) {
    napi_throw_type_error(env, NULL, "joinJob(job)");
    return NULL;
  }
  if (j->joined) {
    napi_throw_error(env, NULL, "joinJob: joined already");
    return NULL;
  }
  release(j);
  if (j->error != 0) {
    char message[160];
    snprintf(message, sizeof message, "%s: %s", j->syscall, strerror(j->error));
    napi_throw_error(env, errno_name(j->error), message);
    return NULL;
  }
  if (j->crcs == NULL) return NULL;
  napi_value buffer, out;
  void *data;
  if (napi_create_arraybuffer(env, j->npieces * sizeof(uint32_t), &data, &buffer) != napi_ok ||
      napi_create_typedarray(env, napi_uint32_array, j->npieces, buffer, 0, &out) != napi_ok) return NULL;
  memcpy(data, j->crcs, j->npieces * sizeof(uint32_t));
  return out;
}
