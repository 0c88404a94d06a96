/* storegc's native helper: its functions, registered by module.c. */
#ifndef STOREGC_NATIVE_H
#define STOREGC_NATIVE_H
#include <node_api.h>
#include <stddef.h>
#include <stdint.h>

/* mapFile.c */
napi_value map_file(napi_env env, napi_callback_info info);
napi_value drop_pages(napi_env env, napi_callback_info info);
/* The whole pages of mapFile's mappings within [data, data + length) given back to the kernel; the bytes dropped. Any thread. */
size_t drop_mapped(const void *data, size_t length);
/* linkTimes.c */
napi_value link_times(napi_env env, napi_callback_info info);
/* unlinkEach.c */
napi_value unlink_each(napi_env env, napi_callback_info info);
/* byteOrder.c */
napi_value byte_order(napi_env env, napi_callback_info info);
napi_value gather(napi_env env, napi_callback_info info);
napi_value share_prefix(napi_env env, napi_callback_info info);
napi_value match_sorted(napi_env env, napi_callback_info info);
/* listDir.c */
napi_value list_dir(napi_env env, napi_callback_info info);
/* listStore.c */
napi_value list_store(napi_env env, napi_callback_info info);
napi_value list_store_on_thread(napi_env env, napi_callback_info info);
/* listMatched.c */
napi_value list_store_matched(napi_env env, napi_callback_info info);
/* rootRows.c */
napi_value root_rows(napi_env env, napi_callback_info info);
napi_value root_rows_json(napi_env env, napi_callback_info info);
/* readLinks.c */
napi_value read_links(napi_env env, napi_callback_info info);
/* writeAll.c */
napi_value write_all(napi_env env, napi_callback_info info);
/* renumber.c */
napi_value renumber_csr(napi_env env, napi_callback_info info);
/* threadJobs.c */
napi_value crc_on_thread(napi_env env, napi_callback_info info);
napi_value crc_file_on_thread(napi_env env, napi_callback_info info);
napi_value write_on_thread(napi_env env, napi_callback_info info);
napi_value join_job(napi_env env, napi_callback_info info);
/* crc32.c: zlib's CRC-32 of data continued from crc, folded by PCLMULQDQ where the CPU has it. */
uint32_t crc32_of(uint32_t crc, const unsigned char *data, size_t length);
napi_value crc32_now(napi_env env, napi_callback_info info);
/* native/mallocTrim.c */
napi_value malloc_trim_now(napi_env env, napi_callback_info info);
/* module.c: "ENOENT" for ENOENT, as Node names error codes. */
const char *errno_name(int errnum);

/* module.c: strings packed as src/store/byteOrder.ts packs them: string i is bytes[offsets[i] .. offsets[i + 1]). */
struct packed {
  const unsigned char *bytes;
  const uint32_t *offsets;
  size_t count;
};
/* byteOrder.c: indices[0 .. count) of strings of `s` put in byte order, in place; 0: out of memory. */
int sort_indices(const struct packed *s, uint32_t *indices, size_t count);
/* A typed array argument of the kind wanted: its data and element count; 0 if it is not one. */
int typed_array(napi_env env, napi_value value, napi_typedarray_type want, void **data, size_t *length);
/* Packed strings from a Uint8Array and a Uint32Array argument, every string within the bytes; 0 if not. */
int packed_strings(napi_env env, napi_value bytes, napi_value offsets, struct packed *out);

#endif
