/*
 * Reading N-API call arguments with checks: a wrong type or a Float32Array too short for the
 * sizes given throws a JavaScript TypeError/RangeError instead of reading or writing out of bounds.
 */
#ifndef GRUGAN_ARGS_H
#define GRUGAN_ARGS_H

#include <node_api.h>
#include <stddef.h>

#define GRUGAN_MAX_ARGS 20

typedef struct {
  napi_env env;
  napi_value argv[GRUGAN_MAX_ARGS];
  size_t argc;
  int failed; /* an exception is pending; the caller returns NULL */
} Args;

/* Reads the call's arguments; fails unless exactly `expected` were passed. */
int args_read(napi_env env, napi_callback_info info, size_t expected, Args *a);

/* Argument i as an int32 (>= 0). */
int args_int(Args *a, size_t i, const char *name);

/* Argument i as a Float32Array of at least `need` elements; NULL (no exception) when it is null or
 * undefined and `optional` is set. `length` receives its element count when not NULL. */
float *args_f32(Args *a, size_t i, const char *name, size_t need, int optional, size_t *length);

#endif
