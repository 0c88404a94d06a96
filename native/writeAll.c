/*
 * Bytes written to a file descriptor before returning, whatever it is: for `storegc`'s output
 * handed over a piece at a time (src/cli/stdoutNow.ts), whose memory is written again next. Node
 * leaves a pipe's stdout non-blocking once process.stdout exists; a full pipe (EAGAIN) is waited
 * on with poll(2) until it drains, where a sleep of a millisecond at a time made a 400 MB report
 * read through a pipe 1.2 s slower.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "native.h"

/* writeAll(fd, bytes: Uint8Array): all of bytes written to fd; throws with the errno's name (EPIPE too). */
napi_value write_all(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t fd;
  void *data;
  size_t length;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 || napi_get_value_int32(env, argv[0], &fd) != napi_ok ||
      !typed_array(env, argv[1], napi_uint8_array, &data, &length)) {
    napi_throw_type_error(env, NULL, "writeAll(fd, bytes: Uint8Array)");
    return NULL;
  }
  const unsigned char *bytes = data;
  size_t at = 0;
  while (at < length) {
    ssize_t n = write(fd, bytes + at, length - at);
    if (n >= 0) {
      at += (size_t)n;
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      struct pollfd p = { .fd = fd, .events = POLLOUT, .revents = 0 };
      if (poll(&p, 1, -1) >= 0 || errno == EINTR) continue;
    }
    int code = errno;
    char message[96];
    snprintf(message, sizeof message, "write to fd %d: %s", fd, strerror(code));
    napi_throw_error(env, errno_name(code), message);
    return NULL;
  }
  return NULL;
}
