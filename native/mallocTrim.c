/*
 * mallocTrim(): glibc's malloc_trim(0), which gives the free memory of malloc's heaps back to the
 * kernel, the free pages inside them too, not only those at their top. Large typed arrays come
 * from malloc; once one of 32 MB or less is freed, glibc serves the next ones from its heap
 * rather than from mappings of their own (the mmap threshold rises to the largest freed), and
 * what they leave free stays resident until trimmed (src/store/releaseMemory.ts).
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>
#include <malloc.h>
#include "native.h"

napi_value malloc_trim_now(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
#ifdef __GLIBC__
  bool trimmed = malloc_trim(0) == 1;
#else
  bool trimmed = false;
#endif
  if (napi_get_boolean(env, trimmed, &out) != napi_ok) return NULL;
  return out;
}
