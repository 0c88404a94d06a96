/* storegc's native helper: its functions, registered by module.c. */
#ifndef STOREGC_NATIVE_H
#define STOREGC_NATIVE_H
#include <node_api.h>

/* mapFile.c */
napi_value map_file(napi_env env, napi_callback_info info);
/* linkTimes.c */
napi_value link_times(napi_env env, napi_callback_info info);
/* unlinkEach.c */
napi_value unlink_each(napi_env env, napi_callback_info info);
/* module.c: "ENOENT" for ENOENT, as Node names error codes. */
const char *errno_name(int errnum);

#endif
