/*
 * The root links' times for `roots --sizes`: one lstat per link in a loop, as the links lie
 * packed (bytes and offsets, src/store/byteOrder.ts), each mtime in ms the way Node's
 * `mtimeMs` computes it. From JavaScript each lstat costs two to three times the system call
 * (a path converted, a Stats object with four Dates made and dropped): 700k links took 1.3 s
 * against 0.77 s here. Links of one directory (they come by directory) are looked up from
 * the directory, opened once: 700k lookups of a 7-component path cost a fifth more than of a
 * name in an open directory; where the directory cannot be opened, the whole path is.
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "native.h"

/*
 * linkTimes(bytes: Uint8Array, offsets: Uint32Array, from, to, out: Float64Array): out[i - from]
 * = the mtime (ms) of the file named by bytes[offsets[i] .. offsets[i + 1]) for i in [from, to);
 * NaN where it is gone (ENOENT, ENOTDIR) or unreadable (EACCES). Any other error throws, its
 * code the errno's name, naming the path.
 */
napi_value link_times(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  struct packed links;
  void *out;
  size_t nout;
  int64_t from, to;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 5 || !packed_strings(env, argv[0], argv[1], &links) ||
      napi_get_value_int64(env, argv[2], &from) != napi_ok || napi_get_value_int64(env, argv[3], &to) != napi_ok ||
      !typed_array(env, argv[4], napi_float64_array, &out, &nout) || from < 0 || to < from || (size_t)to > links.count || nout < (size_t)(to - from)) {
    napi_throw_type_error(env, NULL, "linkTimes(bytes: Uint8Array, offsets: Uint32Array, from, to, out: Float64Array), the offsets within the bytes");
    return NULL;
  }
  double *times = out;
  char path[PATH_MAX];
  // The directory open now (-1: none) and its path.
  char dir[PATH_MAX];
  size_t dir_length = 0;
  int dir_fd = -1, dir_tried = 0;
  struct stat st;
  for (int64_t i = from; i < to; i++) {
    uint32_t start = links.offsets[i];
    size_t length = links.offsets[i + 1] - start;
    if (length >= sizeof path || memchr(links.bytes + start, 0, length) != NULL) {
      // What lstat(2) would answer (or Node, for a NUL): thrown as a failed lstat would be.
      int code = length >= sizeof path ? ENAMETOOLONG : EINVAL;
      char message[128];
      snprintf(message, sizeof message, "lstat of a link of %zu bytes: %s", length, strerror(code));
      if (dir_fd >= 0) close(dir_fd);
      napi_throw_error(env, errno_name(code), message);
      return NULL;
    }
    memcpy(path, links.bytes + start, length);
    path[length] = 0;
    // The name after the last slash, looked up in its directory where that could be opened.
    const char *slash = strrchr(path, '/');
    size_t at = slash == NULL ? 0 : (size_t)(slash - path);
    int use_dir = slash != NULL && at > 0 && slash[1] != 0;
    if (use_dir && !(dir_tried && at == dir_length && memcmp(dir, path, at) == 0)) {
      if (dir_fd >= 0) close(dir_fd);
      memcpy(dir, path, at);
      dir[at] = 0;
      dir_length = at;
      dir_tried = 1;
      dir_fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    }
    int found = use_dir && dir_fd >= 0 ? fstatat(dir_fd, slash + 1, &st, AT_SYMLINK_NOFOLLOW) : lstat(path, &st);
    if (found == 0) {
      times[i - from] = (double)st.st_mtim.tv_sec * 1e3 + (double)st.st_mtim.tv_nsec / 1e6;
    } else if (errno == ENOENT || errno == ENOTDIR || errno == EACCES) {
      times[i - from] = NAN;
    } else {
      int code = errno;
      char message[PATH_MAX + 64];
      snprintf(message, sizeof message, "lstat '%s': %s", path, strerror(code));
      if (dir_fd >= 0) close(dir_fd);
      napi_throw_error(env, errno_name(code), message);
      return NULL;
    }
  }
  if (dir_fd >= 0) close(dir_fd);
  return NULL;
}
